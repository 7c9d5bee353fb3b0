package io.sheepdog.nbd.codec;

import java.util.Optional;

/** Request types of the transmission phase (proto.md "Request types"). */
public enum NbdCommand {
    READ(0),
    WRITE(1),
    /** Soft disconnect; no reply. */
    DISC(2),
    FLUSH(3),
    TRIM(4),
    CACHE(5),
    WRITE_ZEROES(6),
    BLOCK_STATUS(7),
    /** Experimental RESIZE extension; not supported. */
    RESIZE(8);

    private static final NbdCommand[] BY_CODE = values();

    private final int code;

    NbdCommand(int code) {
        this.code = code;
    }

    /** The value sent on the wire. */
    public int code() {
        return code;
    }

    /** The command with this wire value, if known; unknown commands are answered with EINVAL. */
    public static Optional<NbdCommand> lookup(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.of(BY_CODE[code]) : Optional.empty();
    }

    /**
     * The command with this wire value.
     *
     * @throws IllegalArgumentException if the value is not a known command
     */
    public static NbdCommand valueOf(int code) {
        return lookup(code).orElseThrow(() -> new IllegalArgumentException("unknown NBD command " + code));
    }

    static {
        for (int i = 0; i < BY_CODE.length; i++) {
            if (BY_CODE[i].code != i) {
                throw new ExceptionInInitializerError("NbdCommand codes must equal ordinals: " + BY_CODE[i]);
            }
        }
    }
}
