package io.sheepdog.membership.meta;

import io.sheepdog.membership.ClusterIdSource;
import io.sheepdog.membership.NodeId;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated cluster metadata of one node: reads are local and immediate, changes are committed by a majority
 * of the cluster's metadata members and then applied on every node in the same order. Implementations: the
 * Raft-based one in {@code membership.jgroups.raft}, an in-process one in {@code membership.local}.
 *
 * <p>Futures complete on an engine thread; never block in their callbacks. They fail with a
 * {@link MetadataException} whose {@link Outcome} says why: a deterministic rejection (e.g.
 * {@link Outcome#VDI_EXISTS}), or {@link Outcome#NO_MAJORITY} / {@link Outcome#TIMEOUT} when this node cannot
 * commit (it is cut off from the majority: metadata is read-only there).
 *
 * <p>The service also decides epochs: whichever node leads the metadata group proposes a new epoch when the live
 * data nodes change ({@link EpochDecider}), and makes joining members voters, as {@link LeaderDecider} decides.
 */
public interface ClusterMetadataService extends ClusterIdSource, AutoCloseable {

    /** The state as applied on this node; may trail the leader by the commands in flight. */
    MetadataState state();

    /** What the cluster is doing, as seen from this node. */
    ClusterStatus status();

    /** The cluster id, empty before format. */
    @Override
    default String clusterId() {
        return state().clusterId();
    }

    /**
     * Formats the cluster with the live members of now: a new random cluster id, epoch 1. Re-formatting an
     * existing cluster empties its VDI table and epoch history.
     */
    CompletableFuture<ClusterFormat> format(int copies, boolean strict);

    /**
     * A read barrier: completes with this node's state once it has applied every command committed anywhere before
     * the call, so a read after it sees what other nodes changed a moment ago (a VDI created through another node
     * whose commit this node has not applied yet). Costs a round trip to the metadata leader, so callers use it
     * when the local state misses something, not on every read. Fails like {@link #submit} when this node cannot
     * reach a majority (the local state is then all there is).
     */
    CompletableFuture<MetadataState> sync();

    /** Submits a command; completes with the state after it was applied here, or fails. */
    CompletableFuture<MetadataState> submit(MetadataCommand command);

    /** Adds a VDI ({@link MetadataCommand.CreateVdi}). */
    default CompletableFuture<MetadataState> createVdi(VdiEntry vdi) {
        return submit(new MetadataCommand.CreateVdi(vdi));
    }

    /** Removes a VDI ({@link MetadataCommand.DeleteVdi}). */
    default CompletableFuture<MetadataState> deleteVdi(String name, int vid) {
        return submit(new MetadataCommand.DeleteVdi(name, vid));
    }

    /**
     * Removes a node from the metadata group for good (its vote no longer counts toward the majority). For nodes
     * that will never come back; they can join again later as new members.
     */
    CompletableFuture<Void> removeMember(NodeId node);

    void addListener(MetadataListener listener);

    void removeListener(MetadataListener listener);

    /** Stops taking part (the membership it runs on is closed separately). Idempotent. */
    @Override
    void close();
}
