package io.sheepdog.nbd.codec;

/** Reply types of the fixed newstyle handshake (proto.md "Option reply types"); errors have bit 31 set. */
public enum NbdOptionReplyType {
    ACK(1),
    SERVER(2),
    INFO(3),
    META_CONTEXT(4),
    ERR_UNSUP(errorCode(1)),
    ERR_POLICY(errorCode(2)),
    ERR_INVALID(errorCode(3)),
    ERR_PLATFORM(errorCode(4)),
    ERR_TLS_REQD(errorCode(5)),
    ERR_UNKNOWN(errorCode(6)),
    ERR_SHUTDOWN(errorCode(7)),
    ERR_BLOCK_SIZE_REQD(errorCode(8)),
    ERR_TOO_BIG(errorCode(9)),
    ERR_EXT_HEADER_REQD(errorCode(10));

    private final int code;

    NbdOptionReplyType(int code) {
        this.code = code;
    }

    private static int errorCode(int n) {
        return (1 << 31) | n;
    }

    /** The value sent on the wire (as an unsigned 32-bit number). */
    public int code() {
        return code;
    }

    /** True for the error replies (bit 31 set). */
    public boolean isError() {
        return code < 0;
    }

    /**
     * The reply type with this wire value.
     *
     * @throws IllegalArgumentException if the value is not a known reply type
     */
    public static NbdOptionReplyType valueOf(int code) {
        for (NbdOptionReplyType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown NBD option reply type 0x" + Integer.toHexString(code));
    }
}
