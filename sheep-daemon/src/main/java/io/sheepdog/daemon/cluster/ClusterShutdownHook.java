package io.sheepdog.daemon.cluster;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops this daemon when it applies the cluster's {@link MetadataCommand.Shutdown} ({@code collie cluster
 * shutdown}), if the shutdown concerns this incarnation ({@link MetadataCommand.Shutdown#stops}; a daemon replaying
 * an old shutdown from its log at start keeps running). The stop runs on its own thread, in this order:
 * <ol>
 *   <li>the shutdown requests this node is answering are answered first, so the collie that asked hears "done";</li>
 *   <li>the metadata leader stops last: it waits until the other nodes of the shutdown left (they stop when they
 *       apply it, which they do once the leader told them the command is committed), at most
 *       {@link ClusterTimings#shutdownLeaderWait()};</li>
 *   <li>then the daemon closes as on SIGTERM (store flushed and closed).</li>
 * </ol>
 */
public final class ClusterShutdownHook implements MetadataListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterShutdownHook.class);

    private final Membership membership;
    private final BooleanSupplier isLeader;
    private final ClusterService cluster;
    private final Runnable stop;
    private final ClusterTimings timings;
    private final AtomicBoolean stopping = new AtomicBoolean();

    /**
     * @param isLeader whether this node leads the metadata group now
     * @param stop     stops the daemon (idempotent)
     * @param timings  how long the stop waits for answers and for the other nodes
     */
    public ClusterShutdownHook(Membership membership, BooleanSupplier isLeader, ClusterService cluster,
                               Runnable stop, ClusterTimings timings) {
        this.membership = membership;
        this.isLeader = isLeader;
        this.cluster = cluster;
        this.stop = stop;
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    @Override
    public void applied(MetadataCommand command, CommandResult result, MetadataState after) {
        if (command instanceof MetadataCommand.Shutdown s && result.ok()
                && s.stops(after, membership.selfInfo().incarnation()) && stopping.compareAndSet(false, true)) {
            Set<NodeId> others = s.members().stream().map(MemberInfo::id)
                    .filter(id -> !id.equals(membership.self().id())).collect(Collectors.toSet());
            Thread t = new Thread(() -> stopForShutdown(others), "sheep-cluster-shutdown");
            t.setDaemon(false);
            t.start();
        }
    }

    private void stopForShutdown(Set<NodeId> others) {
        LOG.info("the cluster is shutting down: stopping this sheep");
        try {
            cluster.awaitShutdownAnswered(timings.shutdownAnswerWait());
            if (isLeader.getAsBoolean()) {
                awaitGone(others, System.nanoTime() + timings.shutdownLeaderWait().toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
    }

    private void awaitGone(Set<NodeId> others, long deadline) throws InterruptedException {
        while (true) {
            Set<NodeId> left = membership.members().stream().map(MemberInfo::id).filter(others::contains)
                    .collect(Collectors.toSet());
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.warn("metadata leader stopping although {} nodes of the shutdown are still members", left.size());
                return;
            }
            Thread.sleep(timings.shutdownPoll().toMillis());
        }
    }
}
