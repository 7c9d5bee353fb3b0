package io.sheepdog.daemon.api;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * VDI administration and VDI-level I/O. The administrative calls block (callers run them off the event loop); the
 * I/O calls are asynchronous and fail their future with a {@link SheepException}.
 */
public interface VdiOps {

    /** Creates a thin VDI; {@code copies} 0 means the cluster default. */
    VdiInfo create(String name, long size, int copies) throws SheepException;

    /** Every VDI, sorted by name. */
    List<VdiInfo> list() throws SheepException;

    VdiInfo lookup(String name) throws SheepException;

    /**
     * Deletes the working VDI {@code name}; its snapshots stay. Its objects are freed unless another VDI still reads
     * them.
     */
    void delete(String name) throws SheepException;

    /**
     * Deletes snapshot {@code snapshot} of {@code name}. The VDIs made from it (its name's next VDI, its clones) keep
     * reading what they share with it; every object no VDI reads any more is freed. Fails NO_VDI if there is no such
     * snapshot.
     */
    void deleteSnapshot(String name, SnapshotRef snapshot) throws SheepException;

    /**
     * Takes a snapshot of the working VDI {@code name}: its content as it is now becomes a read-only snapshot (the
     * name's next number, tagged {@code tag}, which may be empty) and {@code name} stays writable, sharing every object
     * with the snapshot until it is written. No data is copied. Fails VDI_EXISTS if the VDI has a snapshot with that
     * tag, INVALID_PARAMS for a bad tag (too long, control characters, all digits).
     *
     * @return the snapshot
     */
    VdiInfo snapshot(String name, String tag) throws SheepException;

    /**
     * Creates the writable VDI {@code name} from snapshot {@code snapshot} of {@code source}, sharing its data (no
     * data is copied); it has the snapshot's size and copies. Fails NO_VDI if there is no such snapshot.
     *
     * @return the clone
     */
    VdiInfo clone(String source, SnapshotRef snapshot, String name) throws SheepException;

    /**
     * Returns the working VDI {@code name} to the content of its snapshot {@code snapshot}: a new working VDI takes
     * the snapshot's content and size, and what was written since is deleted.
     *
     * @return the new working VDI
     */
    VdiInfo rollback(String name, SnapshotRef snapshot) throws SheepException;

    /**
     * Copies every object the working VDI {@code name} shares with its snapshot into its own, so it no longer depends
     * on it (its parent becomes 0, and deleting the snapshot then frees everything the snapshot owns).
     *
     * @return the flattened VDI
     */
    VdiInfo flatten(String name) throws SheepException;

    /**
     * Changes the size of the working VDI {@code name}. Growing is always allowed; shrinking needs {@code force}
     * (INVALID_PARAMS without it), and then frees the objects past the new end that the VDI owns.
     *
     * @return the resized VDI
     */
    VdiInfo resize(String name, long size, boolean force) throws SheepException;

    /**
     * Stops ({@code frozen}) or restarts this node's writes to VDI {@code vid}: the part of a snapshot through another
     * node that each node plays, so the snapshot is crash-consistent. A freeze returns once the writes in flight are
     * done.
     */
    default void freeze(int vid, boolean frozen) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep cannot freeze VDIs");
    }

    /** Reads {@code length} bytes at {@code offset} of the VDI; the caller releases the buffer. */
    CompletableFuture<ByteBuf> read(int vid, long offset, int length);

    /** Writes {@code data} at {@code offset}; the caller keeps ownership of {@code data}. */
    CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua);

    /**
     * Makes {@code length} bytes at {@code offset} read as zeroes: with {@code discard} the range is deallocated (an
     * object it covers whole is unmapped), otherwise the zeroes are allocated.
     */
    default CompletableFuture<Void> zero(int vid, long offset, long length, boolean discard, boolean fua) {
        return CompletableFuture.failedFuture(new SheepException(ResultCode.NOT_SUPPORTED,
                "this sheep cannot zero VDI ranges"));
    }

    /** Makes every completed write to the VDI durable. */
    CompletableFuture<Void> flush(int vid);

    /**
     * The object ids of a VDI as its inode holds them now: the inode object first, then every data object the inode
     * has allocated, in index order (an object shared with a parent carries the parent's id). For {@code vdi check}.
     */
    default List<Long> objects(String name) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep cannot list the objects of a VDI");
    }

    /**
     * The object map of VDI or snapshot {@code vid}: for every object index, the id of the VDI owning the data object
     * it reads (0: never written). For {@code vdi backup}, which compares two snapshots' maps.
     */
    default int[] objectMap(int vid) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep cannot show object maps");
    }

    /**
     * Every object the cluster must hold, for {@code cluster check}: the inode of every VDI and snapshot (deleted
     * snapshots kept for the VDIs made from them included) and every data object a live one maps, each once.
     */
    default List<Long> allObjects() throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep cannot list the objects of the cluster");
    }

    /**
     * Compares the replicas of object {@code oid} and repairs the missing, damaged, stale or divergent ones from a
     * good copy. An object no replica holds is {@link ObjectCheck.Outcome#ABSENT} when the inode says it is
     * unallocated (or its VDI is gone), {@link ObjectCheck.Outcome#UNRECOVERABLE} when it should exist.
     */
    default ObjectCheck check(long oid) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep cannot check objects");
    }

    /** The write lock of every locked working VDI, and every shared VDI, sorted by name. */
    default List<VdiLockInfo> locks() throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep has no VDI locks");
    }

    /**
     * Breaks the write lock of VDI {@code name} if it is still generation {@code generation} (0: whichever it is);
     * the client that held it cannot write any more. NO_LOCK if it is not locked or has another generation by now.
     */
    default void unlock(String name, long generation) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep has no VDI locks");
    }

    /**
     * Lets the write lock of VDI {@code name} move to a client attached through node {@code toNode} (host:port), the
     * destination of a live migration; an empty {@code toNode} cancels that. Answers the lock as it is then.
     */
    default VdiLockInfo migrateLock(String name, String toNode) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep has no VDI locks");
    }

    /** Makes VDI {@code name} shared (its writers take no lock) or exclusive, for the attaches from now on. */
    default void setShared(String name, boolean shared) throws SheepException {
        throw new SheepException(ResultCode.NOT_SUPPORTED, "this sheep has no VDI locks");
    }
}
