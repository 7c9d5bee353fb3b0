package io.sheepdog.daemon.cluster;

import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.gateway.StoreErrors;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreStats;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cluster administration of a one-node cluster: this sheep is the only member. */
public final class LocalClusterOps implements ClusterOps {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterOps.class);

    private final ClusterState state;
    private final VdiService vdis;
    private final ObjectStore store;
    private final NodeAddress self;
    private final Clock clock;

    public LocalClusterOps(ClusterState state, VdiService vdis, ObjectStore store, NodeAddress self, Clock clock) {
        this.state = state;
        this.vdis = vdis;
        this.store = store;
        this.self = self;
        this.clock = clock;
    }

    @Override
    public synchronized void format(int copies, boolean strict, boolean force) throws SheepException {
        if (copies < 1 || copies > VdiService.MAX_COPIES) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    "copies must be between 1 and " + VdiService.MAX_COPIES + ", not " + copies);
        }
        if (state.format().isPresent()) {
            if (!force) {
                throw new SheepException(ResultCode.ALREADY_FORMATTED,
                        "the cluster is already formatted; 'cluster format --force' erases every VDI and formats again");
            }
            LOG.warn("forced re-format: deleting every VDI");
            vdis.deleteAll();
        }
        state.setFormat(new FormatRecord(UUID.randomUUID().toString(), copies, strict, clock.millis()),
                List.of(self.hostPort()));
        LOG.info("cluster formatted with {} copies{}", copies, strict ? " (strict)" : "");
    }

    @Override
    public ClusterInfo info() {
        List<String> notes = new ArrayList<>();
        FormatRecord f = state.format().orElse(null);
        if (f != null && f.copies() > 1) {
            notes.add("only 1 zone is up for " + f.copies() + " copies: objects are stored with 1 copy");
        }
        return new ClusterInfo(f == null ? "waiting for format" : "running", f != null,
                f == null ? 0 : f.createdMillis(), state.copies(), f != null && f.strict(),
                state.epochsNewestFirst(), notes);
    }

    @Override
    public List<NodeInfo> nodes() throws SheepException {
        StoreStats s;
        try {
            s = store.stats();
        } catch (StoreException e) {
            throw StoreErrors.toSheep(e);
        }
        return List.of(new NodeInfo(self.id().value(), self.host(), self.port(), self.nbdPort(), self.vnodes(),
                self.zone(), s.capacityBytes(), s.usedBytes(), s.freeBytes(), true));
    }
}
