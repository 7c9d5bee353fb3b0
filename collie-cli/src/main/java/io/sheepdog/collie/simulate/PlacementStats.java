package io.sheepdog.collie.simulate;

/**
 * The figures of one simulated cluster size. Loads count replicas per node; the mean is the total over all nodes
 * divided by the node count. Movement counts replicas placed on a node that did not hold them before, as a
 * fraction of all replicas after the change; the ideal is the changed node's fair share, 1/(N+1) when one joins
 * N nodes and 1/N when one of N leaves.
 *
 * @param nodes              data nodes
 * @param zones              distinct zones among them
 * @param copies             copies actually placed per object (at most one per zone)
 * @param objects            objects placed
 * @param maxOverMean        load of the most loaded node / mean load
 * @param minOverMean        load of the least loaded node / mean load
 * @param joinMoved          fraction of replicas that moved when one node joined
 * @param joinIdeal          1/(nodes+1)
 * @param leaveMoved         fraction of replicas that moved when one node left; NaN for a single node
 * @param leaveIdeal         1/nodes; NaN for a single node
 * @param nanosPerLookup     mean time of one {@code HashRing.placementIndexes} call, single-threaded
 */
public record PlacementStats(int nodes, int zones, int copies, long objects, double maxOverMean,
        double minOverMean, double joinMoved, double joinIdeal, double leaveMoved, double leaveIdeal,
        double nanosPerLookup) {

    /** Movement on join relative to the ideal: 1.0 moves exactly the new node's share. */
    public double joinRatio() {
        return joinMoved / joinIdeal;
    }

    /** Movement on leave relative to the ideal; NaN for a single node. */
    public double leaveRatio() {
        return leaveMoved / leaveIdeal;
    }
}
