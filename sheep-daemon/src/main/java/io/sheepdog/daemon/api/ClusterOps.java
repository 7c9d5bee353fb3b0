package io.sheepdog.daemon.api;

import java.util.List;

/** Cluster-wide administration: format, status, members. Blocking; callers run it off the event loop. */
public interface ClusterOps {

    /** Formats the cluster with a default copy count. Refused if formatted already unless {@code force}. */
    void format(int copies, boolean strict, boolean force) throws SheepException;

    ClusterInfo info() throws SheepException;

    /** Every member with its space figures; exactly one has {@code self} set. */
    List<NodeInfo> nodes() throws SheepException;

    /** Nodes recently refused when they tried to join, oldest first. */
    default List<RefusedNode> refusals() throws SheepException {
        return List.of();
    }

    /** The recovery state of the node asked. */
    default RecoveryInfo recovery() throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep does not recover objects");
    }

    /**
     * Sets the recovery throttle of the node asked.
     *
     * @param bytesPerSecond bandwidth limit, 0 for none
     * @param parallel       objects copied at once
     */
    default void setRecoveryThrottle(long bytesPerSecond, int parallel) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep does not recover objects");
    }

    /**
     * Shuts the whole cluster down: every daemon stops cleanly once the cluster committed the shutdown, and the
     * nodes leaving start no epoch. Returns when the shutdown is committed (the daemons are stopping then).
     */
    default void shutdown() throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "cluster shutdown is not supported by this sheep");
    }

    /**
     * A restarted cluster waiting for nodes of its last epoch that will not come back starts a new epoch with the
     * live nodes. Refused if the cluster is not waiting for nodes, or if the live nodes are no majority of the
     * metadata members (the message says why and what to do).
     *
     * @return the epoch it started
     */
    default EpochInfo recoverForce() throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "cluster recover force is not supported by this sheep");
    }
}
