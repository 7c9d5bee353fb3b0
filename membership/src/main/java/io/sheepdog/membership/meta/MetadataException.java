package io.sheepdog.membership.meta;

/** A metadata command was rejected or could not be committed; {@link #outcome()} says which and what to do. */
public class MetadataException extends Exception {
    private final Outcome outcome;

    public MetadataException(Outcome outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    public MetadataException(Outcome outcome, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** True if retrying later may succeed. */
    public boolean retryable() {
        return outcome.retryable();
    }
}
