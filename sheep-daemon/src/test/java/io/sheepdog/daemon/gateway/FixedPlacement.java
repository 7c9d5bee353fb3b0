package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.ring.HashRing;
import java.util.List;
import java.util.function.LongSupplier;

/** A placement over a fixed set of nodes (a {@link HashRing} of them) whose epoch the test moves. */
final class FixedPlacement implements Placement {

    private final LongSupplier epoch;
    private final NodeId self;
    private final HashRing ring;

    FixedPlacement(LongSupplier epoch, NodeId self, List<NodeAddress> nodes) {
        this.epoch = epoch;
        this.self = self;
        this.ring = new HashRing(nodes);
    }

    @Override
    public long epoch() {
        return epoch.getAsLong();
    }

    @Override
    public NodeId self() {
        return self;
    }

    @Override
    public List<NodeAddress> dataNodes() {
        return ring.nodes();
    }

    @Override
    public List<NodeAddress> replicas(long oid, int copies) {
        return ring.placement(oid, copies);
    }
}
