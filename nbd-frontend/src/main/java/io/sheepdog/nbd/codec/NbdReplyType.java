package io.sheepdog.nbd.codec;

/** Structured reply chunk types (proto.md "Structured reply types"); error chunks have bit 15 set. */
public enum NbdReplyType {
    NONE(0),
    OFFSET_DATA(1),
    OFFSET_HOLE(2),
    BLOCK_STATUS(5),
    BLOCK_STATUS_EXT(6),
    ERROR((1 << 15) + 1),
    ERROR_OFFSET((1 << 15) + 2);

    private final int code;

    NbdReplyType(int code) {
        this.code = code;
    }

    /** The value sent on the wire. */
    public int code() {
        return code;
    }

    /** True for error chunks. */
    public boolean isError() {
        return (code & (1 << 15)) != 0;
    }

    /**
     * The chunk type with this wire value.
     *
     * @throws IllegalArgumentException if the value is not a known chunk type
     */
    public static NbdReplyType valueOf(int code) {
        for (NbdReplyType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown NBD structured reply type " + code);
    }
}
