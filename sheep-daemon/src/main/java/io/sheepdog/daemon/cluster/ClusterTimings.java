package io.sheepdog.daemon.cluster;

import static io.sheepdog.daemon.api.Durations.positive;

import java.time.Duration;

/**
 * The waits and periods of cluster administration. The daemon's values, and why, are in {@code SheepTimings} and
 * docs/architecture.md ("Timeouts and periods").
 *
 * @param metadataWait       how long {@link ClusterService} waits for a replicated metadata command (format,
 *                           shutdown, forced recovery) before it fails HALT
 * @param statsPeriod        how often {@link NodeStatsBoard} broadcasts this node's space figures
 * @param shutdownAnswerWait how long {@link ClusterShutdownHook} waits for this node to answer the shutdown requests
 *                           it is handling before the daemon stops
 * @param shutdownLeaderWait how long the metadata leader waits for the other nodes of a shutdown to leave
 * @param shutdownPoll       how often the leader looks whether they left
 */
public record ClusterTimings(Duration metadataWait, Duration statsPeriod, Duration shutdownAnswerWait,
                             Duration shutdownLeaderWait, Duration shutdownPoll) {

    public ClusterTimings {
        positive("metadataWait", metadataWait);
        positive("statsPeriod", statsPeriod);
        positive("shutdownAnswerWait", shutdownAnswerWait);
        positive("shutdownLeaderWait", shutdownLeaderWait);
        positive("shutdownPoll", shutdownPoll);
    }
}
