package io.sheepdog.membership.meta;

/**
 * How an object is kept safe across nodes: today only replication, {@code n} full copies on {@code n} nodes
 * ({@link #replicas(int)}). This is the one place that says which redundancy a cluster or a VDI may ask for, so every
 * check (format, VDI creation, the CLI, the placement simulator) refers to it rather than to a number of its own.
 *
 * <p>Sheepdog also offers erasure coding, written {@code copies=D:P} (D data strips and P parity strips, spread over
 * D + P nodes). That will become another shape of this value, so code that handles redundancy passes a
 * {@code Redundancy} around rather than an {@code int copies}: {@link #copies()} stays "how many nodes hold a piece
 * of each object" for both shapes. The persisted forms (the VDI table's and the format record's {@code copies}, the
 * inode header's copies byte) store {@link #copies()} for replication.
 *
 * @param copies how many nodes hold (a piece of) each object; for replication, the number of full copies
 */
public record Redundancy(int copies) {
    /** Most copies a VDI may have, as in Sheepdog (SD_MAX_COPIES). */
    public static final int MAX_COPIES = 31;

    /**
     * @throws IllegalArgumentException if {@code copies} is outside 1..{@link #MAX_COPIES}
     */
    public Redundancy {
        if (copies < 1 || copies > MAX_COPIES) {
            throw new IllegalArgumentException("copies must be between 1 and " + MAX_COPIES + ", got " + copies);
        }
    }

    /**
     * {@code n} full copies of every object.
     *
     * @throws IllegalArgumentException if {@code n} is outside 1..{@link #MAX_COPIES}; the message names the value
     *                                  and the range ("copies must be between 1 and 31, got 0")
     */
    public static Redundancy replicas(int n) {
        return new Redundancy(n);
    }

    @Override
    public String toString() {
        return copies + " copies";
    }
}
