package io.sheepdog.collie;

/**
 * A failure collie itself detects (as opposed to one the daemon reports), with the exit code to end with and a message
 * for the operator, such as "write offset 5000 is beyond the end of VDI alpha (4096 bytes)".
 */
public final class CollieException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    public CollieException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
