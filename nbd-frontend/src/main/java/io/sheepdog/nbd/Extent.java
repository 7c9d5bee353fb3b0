package io.sheepdog.nbd;

/**
 * One extent of a base:allocation block status reply.
 *
 * @param length bytes covered
 * @param hole   NBD_STATE_HOLE: the range is not allocated
 * @param zero   NBD_STATE_ZERO: the range reads as zeroes
 */
public record Extent(long length, boolean hole, boolean zero) {
    public Extent {
        if (length <= 0) {
            throw new IllegalArgumentException("extent length must be positive: " + length);
        }
    }

    /** The base:allocation flags word of the extent. */
    public int flags() {
        return (hole ? 1 : 0) | (zero ? 2 : 0);
    }
}
