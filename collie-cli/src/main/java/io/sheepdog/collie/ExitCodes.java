package io.sheepdog.collie;

import io.sheepdog.daemon.api.ResultCode;

/**
 * The exit codes of collie, a contract with scripts. Daemon failures map through {@link ResultCode#exitCode()}; the
 * constants here name the same numbers for collie's own failures. The picocli help lists them from
 * {@link Collie}'s {@code exitCodeList}, which must stay in step with this class.
 */
public final class ExitCodes {
    public static final int SUCCESS = 0;
    /** Any failure not listed below. */
    public static final int FAILURE = 1;
    /** The daemon could not be reached, or the connection broke. */
    public static final int UNREACHABLE = ResultCode.NETWORK_ERROR.exitCode();
    /** The VDI exists already, or the cluster is formatted already. */
    public static final int EXISTS = ResultCode.VDI_EXISTS.exitCode();
    /** No space left. */
    public static final int NO_SPACE = ResultCode.NO_SPACE.exitCode();
    /** No such VDI (or object). */
    public static final int NOT_FOUND = ResultCode.NO_VDI.exitCode();
    /** Not authorized: no key, a key the sheep does not accept, or a role that does not allow it (EX_NOPERM). */
    public static final int NOT_AUTHORIZED = ResultCode.NOT_AUTHORIZED.exitCode();
    /** Bad usage: unknown command or option, missing or malformed argument (sysexits.h EX_USAGE). */
    public static final int USAGE = 64;

    private ExitCodes() {
    }
}
