package io.sheepdog.collie.simulate;

import io.sheepdog.membership.meta.Redundancy;

/**
 * What to simulate, shared by every cluster size of one run.
 *
 * @param objects data objects to place
 * @param copies  copies of each object asked for (fewer are placed when there are fewer zones); see
 *                {@link #redundancy()}
 * @param vnodes  virtual nodes per node (every node has the same weight)
 * @param zones   failure zones the nodes are spread over, round-robin; 0 puts every node in a zone of its own
 * @param seed    seed of the synthetic VDI ids and of the choice of the leaving node, so runs are repeatable
 */
public record SimulationSettings(long objects, int copies, int vnodes, int zones, long seed) {
    /** The ring keeps its points in arrays: a bound that keeps 1000 nodes well within memory. */
    public static final int MAX_VNODES = 65_535;
    /** Placements are kept per object (copies ints each) to compare them before and after a membership change. */
    public static final long MAX_OBJECTS = 20_000_000;

    /**
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public SimulationSettings {
        check(objects >= 1 && objects <= MAX_OBJECTS, "--objects must be between 1 and " + MAX_OBJECTS + ", got "
                + objects);
        redundancy(copies);
        check(vnodes >= 1 && vnodes <= MAX_VNODES, "--vnodes must be between 1 and " + MAX_VNODES + ", got "
                + vnodes);
        check(zones >= 0, "--zones must not be negative, got " + zones);
    }

    /** How each object is placed: {@code copies} replicas. */
    public Redundancy redundancy() {
        return redundancy(copies);
    }

    /** Bound on nodes x vnodes: the ring sorts one array entry per virtual node. */
    public static final long MAX_RING_POINTS = 1L << 24;

    /**
     * Checks that a cluster of {@code nodes} nodes (plus one joining) can be simulated.
     *
     * @throws IllegalArgumentException if not
     */
    public void checkNodes(int nodes) {
        check(nodes >= 1, "a cluster needs at least 1 node, got " + nodes);
        check((long) (nodes + 1) * vnodes <= MAX_RING_POINTS, nodes + " nodes of " + vnodes
                + " vnodes exceed the simulator's " + MAX_RING_POINTS + " ring points");
    }

    /** The zone of node {@code i} (counting from 0). */
    public int zoneOf(int i) {
        return zones == 0 ? i : i % zones;
    }

    /** {@link Redundancy#replicas(int)}, its message naming the option ("--copies must be between 1 and 31"). */
    private static Redundancy redundancy(int copies) {
        try {
            return Redundancy.replicas(copies);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
