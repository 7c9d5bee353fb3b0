package io.sheepdog.daemon.api;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

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

    /** What a failed future failed with: {@code t} with the future wrappers (completion, execution) taken off. */
    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /** {@code t}, unwrapped, as a SheepException: itself if it is one, else UNKNOWN carrying its message. */
    public static SheepException of(Throwable t) {
        Throwable cur = unwrap(t);
        if (cur instanceof SheepException se) {
            return se;
        }
        return new SheepException(ResultCode.UNKNOWN, cur.getMessage() == null ? cur.toString() : cur.getMessage(),
                cur);
    }
}
