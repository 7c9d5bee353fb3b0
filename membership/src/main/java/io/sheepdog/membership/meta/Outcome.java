package io.sheepdog.membership.meta;

/**
 * How a metadata command ended. The first group is decided by the state machine, identically on every node; the
 * second by the replication engine on the submitting node.
 */
public enum Outcome {
    /** Applied. */
    OK(false),
    /** The cluster is not formatted yet. */
    NOT_FORMATTED(false),
    /** A VDI of that name (and snapshot id) exists. */
    VDI_EXISTS(false),
    /** The VDI id is taken by another VDI; pick the next free one and retry. */
    VID_IN_USE(false),
    /** No such VDI. */
    NO_SUCH_VDI(false),
    /**
     * The VDI is no longer what the command was prepared against (its working VDI was snapshotted or rolled back
     * through another node): prepare it again.
     */
    VDI_CHANGED(false),
    /** The command was based on an epoch that is no longer the current one. */
    STALE_EPOCH(false),
    /** The command makes no sense (e.g. a format without data nodes). */
    INVALID(false),
    /** The VDI's write lock is held by another client ({@link VdiLock#describe()} says who). */
    VDI_LOCKED(false),
    /** The lock named is gone, or has another generation by now. */
    NO_SUCH_LOCK(false),
    /** The cluster is shutting down ({@code collie cluster shutdown}): no new epochs until it starts again. */
    SHUTTING_DOWN(false),
    /** This node cannot reach a majority of the cluster's members, so nothing can be committed. */
    NO_MAJORITY(true),
    /** No answer within the command timeout; the command may or may not have been applied. */
    TIMEOUT(true),
    /** The metadata service is not running. */
    NOT_RUNNING(true),
    /** A fault inside the engine. */
    INTERNAL(true);

    private final boolean retryable;

    Outcome(boolean retryable) {
        this.retryable = retryable;
    }

    /** True if the same command may succeed later (the cluster may regain its majority). */
    public boolean retryable() {
        return retryable;
    }
}
