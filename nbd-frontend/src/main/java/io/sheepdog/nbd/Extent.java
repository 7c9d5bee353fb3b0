package io.sheepdog.nbd;

/**
 * One descriptor of a block status reply (proto.md "NBD_REPLY_TYPE_BLOCK_STATUS"): a length and the 32-bit status
 * flags, whose meaning is the metadata context's. For base:allocation, {@link #STATE_HOLE} and {@link #STATE_ZERO};
 * {@link #hole()} and {@link #zero()} read them.
 *
 * @param length bytes covered
 * @param flags  the status flags (unsigned 32 bits)
 */
public record Extent(long length, int flags) {
    /** base:allocation NBD_STATE_HOLE (bit 0): the range is not allocated. */
    public static final int STATE_HOLE = 1;
    /** base:allocation NBD_STATE_ZERO (bit 1): the range reads as zeroes. */
    public static final int STATE_ZERO = 2;

    public Extent {
        if (length <= 0) {
            throw new IllegalArgumentException("extent length must be positive: " + length);
        }
    }

    /**
     * A base:allocation extent.
     *
     * @param hole NBD_STATE_HOLE: the range is not allocated
     * @param zero NBD_STATE_ZERO: the range reads as zeroes
     */
    public Extent(long length, boolean hole, boolean zero) {
        this(length, (hole ? STATE_HOLE : 0) | (zero ? STATE_ZERO : 0));
    }

    /** base:allocation: whether NBD_STATE_HOLE is set. */
    public boolean hole() {
        return (flags & STATE_HOLE) != 0;
    }

    /** base:allocation: whether NBD_STATE_ZERO is set. */
    public boolean zero() {
        return (flags & STATE_ZERO) != 0;
    }
}
