package io.sheepdog.nbd.codec;

/** The server's 16-bit handshake flags (proto.md "Handshake flags"). */
public enum NbdHandshakeFlag {
    /** The server speaks fixed newstyle. */
    FIXED_NEWSTYLE(0),
    /** The server can omit the 124 zero bytes after NBD_OPT_EXPORT_NAME. */
    NO_ZEROES(1);

    private final int bit;

    NbdHandshakeFlag(int bit) {
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

    /**
     * The flag with this bit number.
     *
     * @throws IllegalArgumentException if no flag has that bit
     */
    public static NbdHandshakeFlag valueOf(int bit) {
        for (NbdHandshakeFlag f : values()) {
            if (f.bit == bit) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown NBD handshake flag bit " + bit);
    }
}
