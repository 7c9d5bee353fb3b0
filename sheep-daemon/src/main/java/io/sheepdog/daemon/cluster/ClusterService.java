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
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.membership.Epoch;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.meta.ClusterFormat;
import io.sheepdog.membership.meta.ClusterNode;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.store.StoreStats;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cluster administration over the live membership and the replicated cluster metadata. */
public final class ClusterService implements ClusterOps {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterService.class);

    private final ClusterNode node;
    private final VdiService vdis;
    private final NodeStatsBoard stats;
    private final EpochPlacement placement;

    public ClusterService(ClusterNode node, VdiService vdis, NodeStatsBoard stats, EpochPlacement placement) {
        this.node = node;
        this.vdis = vdis;
        this.stats = stats;
        this.placement = placement;
    }

    @Override
    public synchronized void format(int copies, boolean strict, boolean force) throws SheepException {
        if (copies < 1 || copies > VdiService.MAX_COPIES) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    "copies must be between 1 and " + VdiService.MAX_COPIES + ", not " + copies);
        }
        if (node.metadata().state().format() != null) {
            if (!force) {
                throw new SheepException(ResultCode.ALREADY_FORMATTED,
                        "the cluster is already formatted; 'cluster format --force' erases every VDI and formats again");
            }
            LOG.warn("forced re-format: deleting every VDI");
            vdis.deleteAll();
        }
        ClusterFormat f = MetadataErrors.await(node.metadata().format(copies, strict), "format the cluster");
        LOG.info("cluster {} formatted with {} copies{}", f.clusterId(), copies, strict ? " (strict)" : "");
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
        };
    }

    // ---- recovery (set once at start-up, after the recovery manager exists) ----

    private volatile RecoveryManager recovery;
    private volatile NodeAddress self;

    /** Connects the recovery operations to this node's recovery manager. */
    public void recovery(RecoveryManager manager, NodeAddress selfAddress) {
        this.recovery = manager;
        this.self = selfAddress;
    }

    @Override
    public RecoveryInfo recovery() throws SheepException {
        return recoveryManager().info(self);
    }

    @Override
    public void setRecoveryThrottle(long bytesPerSecond, int parallel) throws SheepException {
        recoveryManager().setThrottle(bytesPerSecond, parallel);
    }

    private RecoveryManager recoveryManager() throws SheepException {
        RecoveryManager m = recovery;
        if (m == null) {
            throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep does not recover objects");
        }
        return m;
    }
}
