package io.sheepdog.nbd.codec;

import java.util.EnumSet;
import java.util.Set;

/** The 16-bit transmission flags describing an export (proto.md "Transmission flags"). */
public enum NbdTransmissionFlag {
    /** Always set. */
    HAS_FLAGS(0),
    /** Writes are refused. */
    READ_ONLY(1),
    /** NBD_CMD_FLUSH is supported. */
    SEND_FLUSH(2),
    /** NBD_CMD_FLAG_FUA is supported. */
    SEND_FUA(3),
    /** The export behaves like a rotational medium. */
    ROTATIONAL(4),
    /** NBD_CMD_TRIM is supported. */
    SEND_TRIM(5),
    /** NBD_CMD_WRITE_ZEROES (and NBD_CMD_FLAG_NO_HOLE) is supported. */
    SEND_WRITE_ZEROES(6),
    /** NBD_CMD_FLAG_DF is supported on reads; only with structured replies. */
    SEND_DF(7),
    /** Flush and FUA are visible across every connection to the export. */
    CAN_MULTI_CONN(8),
    /** Experimental RESIZE extension. */
    SEND_RESIZE(9),
    /** NBD_CMD_CACHE is understood. */
    SEND_CACHE(10),
    /** NBD_CMD_FLAG_FAST_ZERO is supported. */
    SEND_FAST_ZERO(11),
    /** Experimental EXTENDED_HEADERS extension. */
    BLOCK_STATUS_PAYLOAD(12);

    private final int bit;

    NbdTransmissionFlag(int bit) {
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

    /** The flags field holding {@code flags}. */
    public static int toBits(Set<NbdTransmissionFlag> flags) {
        int bits = 0;
        for (NbdTransmissionFlag f : flags) {
            bits |= f.mask();
        }
        return bits;
    }

    /** The known flags set in {@code bits}. */
    public static EnumSet<NbdTransmissionFlag> fromBits(int bits) {
        EnumSet<NbdTransmissionFlag> set = EnumSet.noneOf(NbdTransmissionFlag.class);
        for (NbdTransmissionFlag f : values()) {
            if ((bits & f.mask()) != 0) {
                set.add(f);
            }
        }
        return set;
    }

    /**
     * The flag with this bit number.
     *
     * @throws IllegalArgumentException if no flag has that bit
     */
    public static NbdTransmissionFlag valueOf(int bit) {
        for (NbdTransmissionFlag f : values()) {
            if (f.bit == bit) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown NBD transmission flag bit " + bit);
    }
}
