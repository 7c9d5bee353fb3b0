package io.sheepdog.store;

import java.io.IOException;

/** A failure of the local store. Subclasses say what the caller can do about it. */
public class StoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
