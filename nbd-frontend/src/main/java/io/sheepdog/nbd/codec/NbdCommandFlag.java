package io.sheepdog.nbd.codec;

/** The 16-bit command flags of a request (proto.md "Command flags"). */
public enum NbdCommandFlag {
    /** Force unit access: persist before replying. */
    FUA(0),
    /** NBD_CMD_WRITE_ZEROES: do not punch a hole. */
    NO_HOLE(1),
    /** NBD_CMD_READ: at most one content chunk. */
    DF(2),
    /** NBD_CMD_BLOCK_STATUS: exactly one extent. */
    REQ_ONE(3),
    /** NBD_CMD_WRITE_ZEROES: fail with ENOTSUP unless zeroing is fast. */
    FAST_ZERO(4),
    /** Experimental EXTENDED_HEADERS extension. */
    PAYLOAD_LEN(5);

    private final int bit;

    NbdCommandFlag(int bit) {
        this.bit = bit;
    }

    /** The bit number on the wire. */
    public int bit() {
        return bit;
    }

    /** The flag's value in the flags field. */
    public int mask() {
        return 1 << bit;
    }

    /** True if {@code flags} has this flag set. */
    public boolean isSet(int flags) {
        return (flags & mask()) != 0;
    }

    /**
     * The flag with this bit number.
     *
     * @throws IllegalArgumentException if no flag has that bit
     */
    public static NbdCommandFlag valueOf(int bit) {
        for (NbdCommandFlag f : values()) {
            if (f.bit == bit) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown NBD command flag bit " + bit);
    }
}
