package io.sheepdog.nbd.codec;

/**
 * The client's 32-bit flags sent after the greeting (proto.md "Client flags"). The server MUST drop the
 * connection if the client sets a flag it does not know.
 */
public enum NbdClientFlag {
    /** The client speaks fixed newstyle. */
    C_FIXED_NEWSTYLE(0),
    /** The server must not send the 124 zero bytes after NBD_OPT_EXPORT_NAME. */
    C_NO_ZEROES(1);

    private final int bit;

    NbdClientFlag(int bit) {
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

    /** Every flag this server understands. */
    public static int knownMask() {
        int mask = 0;
        for (NbdClientFlag f : values()) {
            mask |= f.mask();
        }
        return mask;
    }

    /**
     * The flag with this bit number.
     *
     * @throws IllegalArgumentException if no flag has that bit
     */
    public static NbdClientFlag valueOf(int bit) {
        for (NbdClientFlag f : values()) {
            if (f.bit == bit) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown NBD client flag bit " + bit);
    }
}
