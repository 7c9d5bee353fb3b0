package io.sheepdog.daemon.api;

/** A failed operation: a result code the caller can act on, and a message for a person. */
public class SheepException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ResultCode result;

    public SheepException(ResultCode result, String message) {
        super(message);
        this.result = result;
    }

    public SheepException(ResultCode result, String message, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    public ResultCode result() {
        return result;
    }
}
