package io.sheepdog.nbd.codec;

import java.util.Optional;

/** Option types of the handshake phase (proto.md "Option types"). */
public enum NbdOption {
    /** Choose an export and enter transmission; failure can only be signalled by closing. */
    EXPORT_NAME(1),
    /** Soft disconnect during the handshake. */
    ABORT(2),
    /** List the exports. */
    LIST(3),
    /** Withdrawn experimental extension; answered as unsupported. */
    PEEK_EXPORT(4),
    /** Upgrade to TLS. */
    STARTTLS(5),
    /** Describe an export without entering transmission. */
    INFO(6),
    /** Describe an export and enter transmission. */
    GO(7),
    /** Use structured replies during transmission. */
    STRUCTURED_REPLY(8),
    /** List metadata contexts. */
    LIST_META_CONTEXT(9),
    /** Select metadata contexts for NBD_CMD_BLOCK_STATUS. */
    SET_META_CONTEXT(10),
    /** Experimental 64-bit headers; answered as unsupported. */
    EXTENDED_HEADERS(11);

    private static final NbdOption[] BY_CODE = new NbdOption[12];

    static {
        for (NbdOption o : values()) {
            BY_CODE[o.code] = o;
        }
    }

    private final int code;

    NbdOption(int code) {
        this.code = code;
    }

    /** The value sent on the wire. */
    public int code() {
        return code;
    }

    /** The option with this wire value, if it is one we know. Unknown options are legal and get ERR_UNSUP. */
    public static Optional<NbdOption> lookup(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    /**
     * The option with this wire value.
     *
     * @throws IllegalArgumentException if the value is not a known option
     */
    public static NbdOption valueOf(int code) {
        return lookup(code).orElseThrow(() -> new IllegalArgumentException("unknown NBD option " + code));
    }
}
