package io.sheepdog.daemon.cluster;

import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.RefusedNode;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.recovery.RecoveryManager;
import io.sheepdog.daemon.vdi.MetadataErrors;
import io.sheepdog.daemon.vdi.VdiRules;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.membership.Epoch;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.meta.ClusterFormat;
import io.sheepdog.membership.meta.ClusterNode;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.store.StoreStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cluster administration over the live membership and the replicated cluster metadata. */
public final class ClusterService implements ClusterOps {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);

    private final ClusterNode node;
    private final VdiService vdis;
    private final NodeStatsBoard stats;
    private final EpochPlacement placement;
    private final RecoveryManager recovery;
    private final Clock clock;
    private final ClusterTimings timings;
    /** Shutdown requests this node is still answering; the daemon stops itself only after they are answered. */
    private int shutdownCalls;

    public ClusterService(ClusterNode node, VdiService vdis, NodeStatsBoard stats, EpochPlacement placement,
                          RecoveryManager recovery, ClusterTimings timings) {
        this(node, vdis, stats, placement, recovery, timings, Clock.systemUTC());
    }

    /**
     * @param recovery this node's recovery (its state and throttle are served here)
     * @param timings  how long metadata commands are waited for
     * @param clock    the start time of an epoch forced by {@link #recoverForce()}
     */
    public ClusterService(ClusterNode node, VdiService vdis, NodeStatsBoard stats, EpochPlacement placement,
                          RecoveryManager recovery, ClusterTimings timings, Clock clock) {
        this.node = Objects.requireNonNull(node, "node");
        this.vdis = Objects.requireNonNull(vdis, "vdis");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.placement = Objects.requireNonNull(placement, "placement");
        this.recovery = Objects.requireNonNull(recovery, "recovery");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    @Override
    public synchronized void format(int copies, boolean strict, boolean force) throws SheepException {
        VdiRules.redundancy(copies);
        if (node.metadata().state().format() != null) {
            if (!force) {
                throw new SheepException(ResultCode.ALREADY_FORMATTED,
                        "the cluster is already formatted; 'cluster format --force' erases every VDI and formats again");
            }
            LOG.warn("forced re-format: deleting every VDI");
            vdis.deleteAll();
        }
        ClusterFormat f = MetadataErrors.await(node.metadata().format(copies, strict), timings.metadataWait(),
                "format the cluster");
        LOG.info("cluster {} formatted with {} copies{}", f.clusterId(), copies, strict ? " (strict)" : "");
    }

    @Override
    public void shutdown() throws SheepException {
        requireFormatted();
        synchronized (this) {
            shutdownCalls++;
        }
        try {
            LOG.info("cluster shutdown requested: every daemon stops");
            MetadataErrors.await(node.metadata().submit(new MetadataCommand.Shutdown(node.membership().members())),
                    timings.metadataWait(), "shut down the cluster");
        } finally {
            synchronized (this) {
                shutdownCalls--;
                notifyAll();
            }
        }
    }

    /**
     * Waits until this node has answered the shutdown requests it is handling (at most {@code timeout}), so that
     * the daemon stopping itself does not cut off the answer to the collie that asked.
     */
    public synchronized void awaitShutdownAnswered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (shutdownCalls > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public EpochInfo recoverForce() throws SheepException {
        MetadataState s = requireFormatted();
        ClusterStatus status = node.metadata().status();
        switch (status.state()) {
            case WAITING_FOR_NODES:
                break;
            case NO_MAJORITY:
                throw new SheepException(ResultCode.HALT, noMajorityToRecover(s, status));
            case SHUTTING_DOWN:
                throw new SheepException(ResultCode.SHUTDOWN, "the cluster is shutting down; start it again first");
            default:
                throw new SheepException(ResultCode.INVALID_PARAMS, "the cluster is running in epoch "
                        + s.epochNumber() + ": 'recover force' is only for a restarted cluster waiting for nodes");
        }
        List<MemberInfo> live = node.membership().members();
        LOG.warn("recovery forced by the operator: giving up on {}; epoch {} starts with the live nodes",
                status.waiting().stream().map(NodeAddress::hostPort).toList(), s.epochNumber() + 1);
        MetadataState after = MetadataErrors.await(node.metadata().submit(
                new MetadataCommand.ForceRecover(s.epochNumber(), clock.millis(), live)), timings.metadataWait(),
                "force recovery");
        Epoch e = after.currentEpoch().orElseThrow();
        return new EpochInfo(e.number(), e.startMillis(), e.hostPorts());
    }

    /** Why a node without a majority cannot force anything, and what the operator can do. */
    private static String noMajorityToRecover(MetadataState s, ClusterStatus status) {
        List<String> notUp = status.waiting().stream().map(NodeAddress::hostPort).toList();
        int nodes = s.currentEpoch().map(e -> e.nodes().size()).orElse(0);
        return "cannot force recovery: this node reaches no majority of the metadata members (" + (nodes
                - notUp.size()) + " of the " + nodes + " nodes of epoch " + s.epochNumber() + " are up; not up: "
                + notUp + "). The cluster metadata (epochs, VDIs) is replicated with Raft and no change, forced or"
                + " not, can be committed without a majority; rewriting the membership on a minority could lose"
                + " changes the missing nodes committed. Start enough of the missing nodes for a majority (their"
                + " stores hold the metadata), then run 'collie cluster recover force' again for the others";
    }

    private MetadataState requireFormatted() throws SheepException {
        MetadataState s = node.metadata().state();
        if (s.format() == null) {
            throw new SheepException(ResultCode.NOT_FORMATTED,
                    "the cluster is not formatted yet: run 'collie cluster format'");
        }
        return s;
    }

    @Override
    public ClusterInfo info() {
        MetadataState s = node.metadata().state();
        ClusterStatus status = node.metadata().status();
        ClusterFormat f = s.format();
        List<String> notes = new ArrayList<>();
        int zones = placement.ring().zoneCount();
        if (f != null && zones < f.copies()) {
            notes.add(String.format("only %d zone%s for %d copies: objects are stored with %d cop%s%s", zones,
                    zones == 1 ? " is up" : "s are up", f.copies(), zones, zones == 1 ? "y" : "ies",
                    f.strict() ? "; strict mode refuses writes" : ""));
        }
        if (status.state() != ClusterStatus.State.RUNNING && status.state() != ClusterStatus.State.WAITING_FOR_FORMAT) {
            notes.add(status.describe());
        }
        if (status.state() == ClusterStatus.State.WAITING_FOR_NODES) {
            notes.add("if those nodes will never come back, 'collie cluster recover force' starts a new epoch with"
                    + " the live nodes");
        }
        List<EpochInfo> epochs = s.epochsNewestFirst().stream()
                .map(e -> new EpochInfo(e.number(), e.startMillis(), e.hostPorts())).toList();
        return new ClusterInfo(statusWord(status), f != null, f == null ? 0 : f.createdMillis(),
                f == null ? 1 : f.copies(), f != null && f.strict(), epochs, notes);
    }

    @Override
    public List<NodeInfo> nodes() {
        NodeAddress self = node.membership().self();
        List<NodeInfo> out = new ArrayList<>();
        for (MemberInfo m : node.membership().members()) {
            NodeAddress a = m.address();
            StoreStats s = stats.stats(a.id()).orElse(new StoreStats(0, 0, 0, 0));
            out.add(new NodeInfo(a.id().value(), a.host(), a.port(), a.nbdPort(), a.vnodes(), a.zone(),
                    s.capacityBytes(), s.usedBytes(), s.freeBytes(), a.id().equals(self.id())));
        }
        return out;
    }

    @Override
    public List<RefusedNode> refusals() {
        return node.membership().refusals().stream()
                .map(r -> new RefusedNode(r.atMillis(), r.node(), r.reason())).toList();
    }

    /** The epoch whose nodes this node is in, for logs. */
    public Epoch currentEpoch() {
        return node.metadata().state().currentEpoch().orElse(null);
    }

    private static String statusWord(ClusterStatus status) {
        return switch (status.state()) {
            case RUNNING -> "running";
            case WAITING_FOR_FORMAT -> "waiting for format";
            case WAITING_FOR_NODES -> "waiting for nodes";
            case NO_MAJORITY -> "no majority";
            case SHUTTING_DOWN -> "shutting down";
        };
    }

    // ---- recovery ----

    @Override
    public RecoveryInfo recovery() {
        return recovery.info(node.membership().self());
    }

    @Override
    public void setRecoveryThrottle(long bytesPerSecond, int parallel) throws SheepException {
        recovery.setThrottle(bytesPerSecond, parallel);
    }
}
