package io.sheepdog.membership.meta;

import io.sheepdog.membership.NodeAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the cluster is doing, as {@code collie cluster info} reports it.
 *
 * @param state   the state
 * @param epoch   the current epoch, 0 before format
 * @param waiting the nodes of the last epoch the cluster waits for ({@link State#WAITING_FOR_NODES}), or that are
 *                not up while this node has no majority ({@link State#NO_MAJORITY}); else empty
 */
public record ClusterStatus(State state, long epoch, List<NodeAddress> waiting) {

    /** The cluster states. */
    public enum State {
        /** Never formatted: run {@code collie cluster format}. */
        WAITING_FOR_FORMAT,
        /** Restarted, waiting for the nodes of the last epoch (or {@code collie cluster recover force}). */
        WAITING_FOR_NODES,
        /** This node cannot reach a majority of the cluster: metadata is read-only here. */
        NO_MAJORITY,
        /** Serving. */
        RUNNING,
        /** The operator shut the cluster down ({@code collie cluster shutdown}); the nodes are stopping. */
        SHUTTING_DOWN
    }

    public ClusterStatus {
        Objects.requireNonNull(state, "state");
        waiting = List.copyOf(waiting);
    }

    public static ClusterStatus waitingForFormat() {
        return new ClusterStatus(State.WAITING_FOR_FORMAT, 0, List.of());
    }

    public static ClusterStatus waitingForNodes(long epoch, List<NodeAddress> missing) {
        return new ClusterStatus(State.WAITING_FOR_NODES, epoch, missing);
    }

    public static ClusterStatus running(long epoch) {
        return new ClusterStatus(State.RUNNING, epoch, List.of());
    }

    public static ClusterStatus noMajority(long epoch) {
        return new ClusterStatus(State.NO_MAJORITY, epoch, List.of());
    }

    /** No majority, with the nodes of the current epoch this node does not see. */
    public static ClusterStatus noMajority(long epoch, List<NodeAddress> notUp) {
        return new ClusterStatus(State.NO_MAJORITY, epoch, notUp);
    }

    public static ClusterStatus shuttingDown(long epoch) {
        return new ClusterStatus(State.SHUTTING_DOWN, epoch, List.of());
    }

    /** One line for logs and {@code collie cluster info}. */
    public String describe() {
        return switch (state) {
            case WAITING_FOR_FORMAT -> "Waiting for cluster to be formatted";
            case WAITING_FOR_NODES -> "Waiting for other nodes to join cluster: "
                    + waiting.stream().map(NodeAddress::hostPort).toList();
            case NO_MAJORITY -> "No majority: this node cannot reach most of the cluster, metadata is read-only"
                    + (waiting.isEmpty() ? "" : "; nodes of epoch " + epoch + " not up: "
                    + waiting.stream().map(NodeAddress::hostPort).toList());
            case RUNNING -> "running, epoch " + epoch;
            case SHUTTING_DOWN -> "System is shutting down";
        };
    }
}
