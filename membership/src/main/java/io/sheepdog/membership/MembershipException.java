package io.sheepdog.membership;

/** Why a {@link Membership} could not start or do what was asked. */
public class MembershipException extends Exception {

    /** What went wrong, so callers can tell an operator mistake from a fault. */
    public enum Reason {
        /** The cluster turned this node away (another cluster's store, incompatible version); not retryable. */
        REFUSED,
        /** Could not bind or reach the network (address not local, port taken). */
        NETWORK,
        /** The membership is not started, or already stopped. */
        NOT_RUNNING,
        /** The destination of a message is not a live member. */
        UNKNOWN_MEMBER,
        /** Anything else inside the implementation. */
        INTERNAL
    }

    private final Reason reason;

    public MembershipException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MembershipException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
