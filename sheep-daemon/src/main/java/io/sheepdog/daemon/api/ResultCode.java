package io.sheepdog.daemon.api;

/**
 * Result of an operation, with its stable wire code and the collie exit code it maps to
 * (0 success, 1 general error, 2 cannot reach the daemon, 3 already exists, 4 no space, 5 not found, 64 bad usage,
 * 77 not authorized).
 */
public enum ResultCode {
    SUCCESS(0x00, 0),
    /** An internal fault; the message says what. */
    UNKNOWN(0x01, 1),
    /** The request is malformed or its arguments are out of range. */
    INVALID_PARAMS(0x02, 64),
    /** No VDI by that name or id. */
    NO_VDI(0x03, 5),
    /** A VDI by that name exists already. */
    VDI_EXISTS(0x04, 3),
    /** The store (or the cluster) has no space left. */
    NO_SPACE(0x05, 4),
    /** The cluster is not formatted yet: run {@code collie cluster format}. */
    NOT_FORMATTED(0x06, 1),
    /** The cluster is formatted already (format again only with --force). */
    ALREADY_FORMATTED(0x07, 3),
    /** A local I/O error. */
    EIO(0x08, 1),
    /** Stored data failed its checksum. */
    CHECKSUM(0x09, 1),
    /** No free VDI id is left. */
    FULL_VDI(0x0a, 4),
    /** The object does not exist. */
    NO_OBJ(0x0b, 5),
    /** The sender's epoch is older than the receiver's: retry after catching up. */
    OLD_NODE_VER(0x0c, 1),
    /** The sender's epoch is newer than the receiver's: retry after the receiver catches up. */
    NEW_NODE_VER(0x0d, 1),
    /** The wire protocol versions differ. */
    VER_MISMATCH(0x0e, 1),
    /** The cluster or node is shutting down. */
    SHUTDOWN(0x0f, 1),
    /** The operation is not supported by this daemon. */
    NOT_SUPPORTED(0x10, 1),
    /** The VDI is in use (attached) and the operation needs it detached. */
    VDI_LOCKED(0x11, 1),
    /**
     * The cluster cannot change its metadata now: this node reaches no majority of the metadata members, or the
     * cluster waits for the nodes of its last epoch. The message says which.
     */
    HALT(0x12, 1),
    /** The VDI is a snapshot, which is never written: write its working VDI, or clone it. */
    READONLY(0x13, 1),
    /** The VDI is not locked, or its lock changed hands since the caller looked. */
    NO_LOCK(0x14, 5),
    /**
     * The request needs a permission the caller's identity lacks, or the caller is not authenticated (a plaintext
     * connection to a sheep with keys, or no client certificate). The message says which; exit code 77 is
     * sysexits.h's EX_NOPERM.
     */
    NOT_AUTHORIZED(0x15, 77),
    /** Client side only, never sent: the daemon could not be reached or the connection broke. */
    NETWORK_ERROR(0xfe, 2);

    private static final ResultCode[] BY_CODE = new ResultCode[256];

    static {
        for (ResultCode r : values()) {
            BY_CODE[r.code] = r;
        }
    }

    private final int code;
    private final int exitCode;

    ResultCode(int code, int exitCode) {
        this.code = code;
        this.exitCode = exitCode;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    /** The exit code collie ends with for this result. */
    public int exitCode() {
        return exitCode;
    }

    /** The result with this wire code; unknown codes become {@link #UNKNOWN}. */
    public static ResultCode valueOf(int code) {
        ResultCode r = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        return r == null ? UNKNOWN : r;
    }
}
