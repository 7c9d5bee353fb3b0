package io.sheepdog.daemon;

import static com.google.common.base.Preconditions.checkArgument;
import static io.sheepdog.daemon.api.Durations.positive;

import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.cluster.ClusterTimings;
import io.sheepdog.daemon.peer.EpochRetryConfig;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.recovery.RecoveryConfig;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.vdi.LockTimings;
import io.sheepdog.daemon.vdi.VdiTimeouts;
import io.sheepdog.nbd.server.NbdServerConfig;
import java.time.Duration;

/**
 * Every timeout, wait and period of one daemon, in one place; {@link SheepDaemon} builds each component's record
 * from it ({@link #gatewayRetry()}, {@link #peerClient()}, {@link #recovery()}, {@link #vdi()}, {@link #cluster()}).
 * The defaults are {@link #DEFAULTS}; docs/architecture.md ("Timeouts and periods") has them in a table with what
 * waits on each and why it has its value. Validated at construction: every value is positive, and the gateway
 * timeout is longer than the peer timeout.
 *
 * @param peerTimeout        30 s: how long a call to a peer may take (connecting, and each request on the
 *                           connection), by the gateway's replica requests and by recovery's calls alike
 * @param gatewayTimeout     60 s, twice the peer timeout: how long a gateway request may take in all, retries under
 *                           new epochs included ({@code EpochRetry}). Longer than one peer request, so that a replica
 *                           request cut off by a partition (answered by nothing until the peer timeout) is retried
 *                           under the epoch that no longer has the unreachable node instead of failing the write.
 * @param retryFirstBackoff  5 ms: the pause before a gateway request is retried after a replica answered that it is
 *                           behind or could not be reached; also the first pause of a node waiting for its own epoch
 * @param retryMaxBackoff    200 ms: the longest pause of a node waiting for its own epoch to move (doubling from the
 *                           first); an epoch change wakes every waiting request at once anyway
 * @param recoveryRetryPause 200 ms: the pause before recovery asks a node again that was unreachable or at another
 *                           epoch (object lists and object copies)
 * @param recoveryPoll       500 ms: how often a recovery run asks the other nodes whether they recovered the epoch
 *                           (before it purges), and the longest it waits for a copy slot before it looks again
 *                           whether it was cancelled
 * @param recoveryTick       1 s: how often the daemon looks whether a recovery run may start although no metadata
 *                           command arrived (a majority regained changes the status without a command)
 * @param metadataWait       60 s: how long an administrative call waits for a replicated metadata command (create,
 *                           delete, format, shutdown, forced recovery); longer than the metadata service's own
 *                           command timeout, which answers first
 * @param readBarrierWait    5 s: how long a VDI lookup waits for the metadata read barrier before this node's own
 *                           state answers
 * @param inodeLoadWait      10 s: how long an NBD open (or a VDI listing) waits for an inode to load
 * @param vdiAdminStepWait   120 s: how long a VDI administrative call waits for one object step (writing the inode,
 *                           removing an object of a deleted VDI, checking an object): two gateway timeouts, so the
 *                           gateway gives up first and its error is the one reported
 * @param statsPeriod        1 s: how often each node looks at its space figures and broadcasts them if they changed
 *                           (and at least every 30 periods) for {@code collie node info}
 * @param shutdownAnswerWait 5 s: how long a cluster shutdown waits for this node to answer the collie that asked
 * @param shutdownLeaderWait 10 s: how long the metadata leader waits for the other nodes of a shutdown to leave
 *                           before it stops anyway
 * @param shutdownPoll       50 ms: how often the leader looks whether they left
 * @param serverShutdown     5 s: how long the sheep protocol server's event loops may take to finish at close
 * @param nbdShutdown        5 s: the same for the NBD server
 * @param peerClose          5 s: how long closing a peer connection may take
 * @param peerLoopShutdown   2 s: how long the peer connections' event loops may take to finish at close
 * @param storeDrain         30 s: how long the close waits for store I/O still running before it closes the store
 * @param snapshotFreeze     10 s: how long a snapshot waits for every node to stop writing to the VDI (the writes in
 *                           flight finish); a node lets writes in again after three times that if the snapshot
 *                           never comes (its maker died)
 * @param reclaimSweep       10 min: how often the metadata leader frees the objects of deleted snapshots that nothing
 *                           reads any more, which a crash between a delete's commit and its removals left behind
 * @param attachLockWait     5 s: how long an NBD attach waits for a VDI's write lock held by another client to be
 *                           released before it is refused
 * @param lockReleaseRetry   1 s: the pause before the release of a lock that found no majority is proposed again
 */
public record SheepTimings(Duration peerTimeout, Duration gatewayTimeout, Duration retryFirstBackoff,
                           Duration retryMaxBackoff, Duration recoveryRetryPause, Duration recoveryPoll,
                           Duration recoveryTick, Duration metadataWait, Duration readBarrierWait,
                           Duration inodeLoadWait, Duration vdiAdminStepWait, Duration statsPeriod,
                           Duration shutdownAnswerWait, Duration shutdownLeaderWait, Duration shutdownPoll,
                           Duration serverShutdown, Duration nbdShutdown, Duration peerClose,
                           Duration peerLoopShutdown, Duration storeDrain, Duration snapshotFreeze,
                           Duration reclaimSweep, Duration attachLockWait, Duration lockReleaseRetry) {

    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(30);

    /** The daemon's defaults, as documented above and in docs/architecture.md. */
    public static final SheepTimings DEFAULTS = new SheepTimings(
            PEER_TIMEOUT,                                   // peerTimeout
            PEER_TIMEOUT.multipliedBy(2),                   // gatewayTimeout
            Duration.ofMillis(5),                           // retryFirstBackoff
            Duration.ofMillis(200),                         // retryMaxBackoff
            Duration.ofMillis(200),                         // recoveryRetryPause
            Duration.ofMillis(500),                         // recoveryPoll
            Duration.ofSeconds(1),                          // recoveryTick
            Duration.ofSeconds(60),                         // metadataWait
            Duration.ofSeconds(5),                          // readBarrierWait
            Duration.ofSeconds(10),                         // inodeLoadWait
            Duration.ofSeconds(120),                        // vdiAdminStepWait
            Duration.ofSeconds(1),                          // statsPeriod
            Duration.ofSeconds(5),                          // shutdownAnswerWait
            Duration.ofSeconds(10),                         // shutdownLeaderWait
            Duration.ofMillis(50),                          // shutdownPoll
            SheepServerConfig.DEFAULT_SHUTDOWN_TIMEOUT,     // serverShutdown
            NbdServerConfig.DEFAULT_SHUTDOWN_TIMEOUT,       // nbdShutdown
            SheepClientConfig.DEFAULT_CLOSE_TIMEOUT,        // peerClose
            Duration.ofSeconds(2),                          // peerLoopShutdown
            Duration.ofSeconds(30),                         // storeDrain
            Duration.ofSeconds(10),                         // snapshotFreeze
            Duration.ofMinutes(10),                         // reclaimSweep
            Duration.ofSeconds(5),                          // attachLockWait
            Duration.ofSeconds(1));                         // lockReleaseRetry

    public SheepTimings {
        positive("peerTimeout", peerTimeout);
        positive("snapshotFreeze", snapshotFreeze);
        positive("gatewayTimeout", gatewayTimeout);
        positive("retryFirstBackoff", retryFirstBackoff);
        positive("retryMaxBackoff", retryMaxBackoff);
        positive("recoveryRetryPause", recoveryRetryPause);
        positive("recoveryPoll", recoveryPoll);
        positive("recoveryTick", recoveryTick);
        positive("metadataWait", metadataWait);
        positive("readBarrierWait", readBarrierWait);
        positive("inodeLoadWait", inodeLoadWait);
        positive("vdiAdminStepWait", vdiAdminStepWait);
        positive("statsPeriod", statsPeriod);
        positive("shutdownAnswerWait", shutdownAnswerWait);
        positive("shutdownLeaderWait", shutdownLeaderWait);
        positive("shutdownPoll", shutdownPoll);
        positive("serverShutdown", serverShutdown);
        positive("nbdShutdown", nbdShutdown);
        positive("peerClose", peerClose);
        positive("peerLoopShutdown", peerLoopShutdown);
        positive("storeDrain", storeDrain);
        positive("reclaimSweep", reclaimSweep);
        positive("attachLockWait", attachLockWait);
        positive("lockReleaseRetry", lockReleaseRetry);
        // Accessors read fields, which a compact constructor has not assigned yet: check the relations on the values.
        new EpochRetryConfig(gatewayTimeout, retryFirstBackoff, retryMaxBackoff);
        checkArgument(gatewayTimeout.compareTo(peerTimeout) > 0, "the gateway timeout (%s) must be longer than the "
                + "peer timeout (%s), or a write cut off by a partition fails instead of being retried under the "
                + "next epoch", gatewayTimeout, peerTimeout);
    }

    /** The retries of gateway requests. */
    public EpochRetryConfig gatewayRetry() {
        return new EpochRetryConfig(gatewayTimeout, retryFirstBackoff, retryMaxBackoff);
    }

    /** The connections to peers. */
    public SheepClientConfig peerClient() {
        return new SheepClientConfig(peerTimeout, peerTimeout, SheepProtocol.DEFAULT_MAX_FRAME_SIZE, peerClose);
    }

    /** The waits of recovery; its calls to peers wait the peer timeout. */
    public RecoveryConfig recovery() {
        return new RecoveryConfig(peerTimeout, recoveryRetryPause, recoveryPoll);
    }

    /** The waits of the VDI service. */
    public VdiTimeouts vdi() {
        return new VdiTimeouts(vdiAdminStepWait, inodeLoadWait, readBarrierWait, metadataWait, snapshotFreeze);
    }

    /** The waits of the VDI write locks. */
    public LockTimings locks() {
        return new LockTimings(attachLockWait, lockReleaseRetry);
    }

    /** The waits and periods of cluster administration. */
    public ClusterTimings cluster() {
        return new ClusterTimings(metadataWait, statsPeriod, shutdownAnswerWait, shutdownLeaderWait, shutdownPoll);
    }
}
