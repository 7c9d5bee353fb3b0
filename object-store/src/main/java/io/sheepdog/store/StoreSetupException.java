package io.sheepdog.store;

/**
 * The store directory cannot be used: missing and not creatable, not writable, locked by another daemon, or laid
 * out by an incompatible version. The message says which and what to do; nothing in the directory was changed.
 */
public class StoreSetupException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreSetupException(String message) {
        super(message);
    }

    public StoreSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
