package io.sheepdog.nbd.codec;

import java.util.Optional;

/** Information types of NBD_REP_INFO replies to NBD_OPT_INFO and NBD_OPT_GO (proto.md "NBD_REP_INFO"). */
public enum NbdInfoType {
    /** Size and transmission flags; mandatory before a successful ACK. */
    EXPORT(0),
    /** The canonical export name. */
    NAME(1),
    /** Human-readable description. */
    DESCRIPTION(2),
    /** Minimum block, preferred block and maximum payload sizes. */
    BLOCK_SIZE(3);

    private final int code;

    NbdInfoType(int code) {
        this.code = code;
    }

    /** The value sent on the wire. */
    public int code() {
        return code;
    }

    /** The information type with this wire value, if known; the server ignores unknown requests. */
    public static Optional<NbdInfoType> lookup(int code) {
        for (NbdInfoType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The information type with this wire value.
     *
     * @throws IllegalArgumentException if the value is not a known information type
     */
    public static NbdInfoType valueOf(int code) {
        return lookup(code).orElseThrow(() -> new IllegalArgumentException("unknown NBD info type " + code));
    }
}
