package io.sheepdog.daemon.peer;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.ReplicaDigest;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The operations one sheep offers its peers on the replicas it stores (the {@code PEER_*} opcodes). Implemented
 * locally over the node's store ({@link LocalPeerOps}) and remotely over the sheep protocol
 * ({@link PeerClient}), so a gateway treats its own replica and a peer's alike.
 *
 * <p>Every call carries the sender's epoch. When it differs from the receiver's, the future fails with a
 * {@link io.sheepdog.daemon.api.SheepException} of code OLD_NODE_VER (the sender is behind) or NEW_NODE_VER (the
 * receiver is behind) and nothing is applied. Other failures carry the store's result code (NO_SPACE, CHECKSUM,
 * EIO), INVALID_PARAMS for a range outside the object, or NETWORK_ERROR for an unreachable peer.
 *
 * <p>Asynchronous: no method blocks its caller (they are called from event loops). Buffers passed in must stay valid
 * until the future completes; {@code src} and {@code dst} are used from their position to their limit and their
 * positions are left alone.
 */
public interface PeerOps {

    /** Reads {@code dst.remaining()} bytes at {@code offset} of the replica into {@code dst}; holes read as zero. */
    CompletableFuture<Void> read(long epoch, long oid, long offset, ByteBuffer dst);

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}, creating the replica or not as {@code mode} says;
     * with {@code fua} the write is durable before the future completes.
     */
    CompletableFuture<Void> write(long epoch, long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua);

    /** Zeroes a range of the replica; with {@code discard} the range is deallocated. */
    CompletableFuture<Void> zero(long epoch, long oid, long offset, long length, boolean discard, boolean fua);

    /** Removes the replica (a no-op if there is none). */
    CompletableFuture<Void> remove(long epoch, long oid);

    /** Which 4 KiB blocks of the replica are allocated; empty if there is none. */
    CompletableFuture<BitSet> allocation(long epoch, long oid);

    /** Durability barrier over every write this node completed. */
    CompletableFuture<Void> flush(long epoch);

    /** The replica's info (version, allocated bytes), empty if this node holds none. */
    CompletableFuture<Optional<ObjectInfo>> stat(long epoch, long oid);

    /**
     * Every replica this node stores, with its version. Answered by a node at {@code epoch} or a newer one (a node
     * that is behind fails NEW_NODE_VER) once every request of an older epoch it accepted has finished, so the
     * versions include every write acknowledged under an older placement.
     */
    CompletableFuture<List<ObjectInfo>> listObjects(long epoch);

    /** The whole replica with its version, on the terms of {@link #listObjects}; NO_OBJ if this node holds none. */
    CompletableFuture<ObjectImage> getObject(long epoch, long oid);

    /** Replaces the replica with {@code image}, keeping its version (epoch-checked like writes). */
    CompletableFuture<Void> putObject(long epoch, ObjectImage image, boolean fua);

    /**
     * Verifies every allocated block of the replica against its checksum where it lies and answers its version and
     * content digest; epoch-checked like reads. NO_OBJ if this node holds no replica, CHECKSUM if a block is damaged.
     * The default answers NOT_SUPPORTED (a peer that cannot check).
     */
    default CompletableFuture<ReplicaDigest> check(long epoch, long oid) {
        return CompletableFuture.failedFuture(new SheepException(ResultCode.NOT_SUPPORTED,
                "this sheep cannot check replicas"));
    }
}
