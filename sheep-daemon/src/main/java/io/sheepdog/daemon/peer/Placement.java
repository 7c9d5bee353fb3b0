package io.sheepdog.daemon.peer;

import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * Where objects live in the current epoch, as the gateway sees it. Implemented by the daemon from the replicated
 * epoch history and the consistent-hash ring; tests use fixed placements.
 */
public interface Placement {

    /** The current epoch; every request to a peer carries it. */
    long epoch();

    /** This node. */
    NodeId self();

    /** The data nodes of the current epoch (every node a flush must reach). */
    List<NodeAddress> dataNodes();

    /** The replica nodes of {@code oid} for {@code copies} copies in the current epoch, primary first. */
    List<NodeAddress> replicas(long oid, int copies);

    /**
     * The current epoch's placement, fixed: it answers for that epoch even after the epoch moves (recovery plans
     * a whole epoch with one). The default suits placements that never change.
     */
    default Snapshot snapshot() {
        long epoch = epoch();
        List<NodeAddress> nodes = dataNodes();
        return new Snapshot() {
            @Override
            public long epoch() {
                return epoch;
            }

            @Override
            public List<NodeAddress> dataNodes() {
                return nodes;
            }

            @Override
            public List<NodeAddress> replicas(long oid, int copies) {
                return Placement.this.replicas(oid, copies);
            }
        };
    }

    /** The placement of one epoch. */
    interface Snapshot {
        long epoch();

        /** The data nodes of the epoch. */
        List<NodeAddress> dataNodes();

        /** The replica nodes of {@code oid} in the epoch, primary first. */
        List<NodeAddress> replicas(long oid, int copies);

        /**
         * The placement of the epoch before this one, if known: recovery tells an object removed while a node was
         * away from one the others lost by it (see {@code RecoveryPlan}).
         */
        default Optional<Snapshot> previous() {
            return Optional.empty();
        }
    }
}
