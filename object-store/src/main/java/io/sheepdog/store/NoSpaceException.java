package io.sheepdog.store;

/** The file system of the store is full; nothing already stored was damaged. */
public class NoSpaceException extends StoreException {
    private static final long serialVersionUID = 1L;

    public NoSpaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
