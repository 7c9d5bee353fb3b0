package io.sheepdog.store;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The local objects of one sheep. Objects are at most {@link ObjectLayout#OBJECT_SIZE} bytes and sparse: a range
 * never written (or discarded) reads as zeroes. Every stored block is checked against its CRC32C on every read; a
 * mismatch throws {@link ChecksumException} naming the object, it is never returned as data.
 *
 * <p>Durability: writes are visible to reads at once, and survive a crash of the process or the machine once
 * {@link #flush()} returned (or when written with {@code sync}). A write that fails leaves what was stored before
 * readable. Implementations are thread-safe; writes to one object are expected to be ordered by the caller
 * (the daemon runs them on an executor keyed by object), writes to different objects may run in parallel.
 */
public interface ObjectStore extends Closeable {

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} of the object into {@code dst}, advancing its position.
     * Ranges never written read as zeroes; so does an object that does not exist (see {@link #stat(long)} to tell).
     *
     * @throws ChecksumException if a stored block does not match its checksum
     * @throws StoreException    on I/O errors and ranges outside the object size
     */
    void read(long oid, long offset, ByteBuffer dst) throws StoreException;

    /**
     * Writes {@code src.remaining()} bytes at {@code offset} of the object, creating it if needed, and sets the
     * object's version to {@link ObjectVersion#next(long) next(epoch)} of the previous one.
     *
     * @param sync also make this write (and only it) durable before returning, as NBD FUA asks
     * @return the object's info after the write
     * @throws NoSpaceException if the disk is full; what was stored before stays readable
     */
    ObjectInfo write(long oid, long offset, ByteBuffer src, long epoch, boolean sync) throws StoreException;

    /**
     * {@link #write} if the object does not exist; an object that exists is left as it is. The test and the write
     * are one step with respect to every other write of the object: of two racing calls exactly one writes, and a
     * write that follows the winner's is never overwritten by the loser. This is how two gateways copying one shared
     * object into a clone make one copy.
     *
     * @return the object's info after the write, empty if it existed (nothing was written)
     */
    Optional<ObjectInfo> writeIfAbsent(long oid, long offset, ByteBuffer src, long epoch, boolean sync)
            throws StoreException;

    /**
     * Makes {@code [offset, offset+length)} read as zeroes. With {@code discard} the blocks become unallocated
     * (an object with no allocated block left stays, empty, until it is deleted); without it the zeroes are allocated, as
     * NBD WRITE_ZEROES with NO_HOLE asks. Increments the version like {@link #write}.
     */
    ObjectInfo zero(long oid, long offset, long length, boolean discard, long epoch, boolean sync)
            throws StoreException;

    /** The object's info, empty if the object does not exist. */
    Optional<ObjectInfo> stat(long oid) throws StoreException;

    /**
     * Which {@link ObjectLayout#BLOCK_SIZE} blocks of the object are allocated (bit i = block i); empty for a
     * missing object. Unallocated blocks read as zeroes.
     */
    BitSet allocation(long oid) throws StoreException;

    /**
     * The whole object as it is now (version, allocation and every allocated block, each checked against its
     * checksum), taken atomically with respect to writes of the object; empty if the object does not exist.
     *
     * @throws ChecksumException if a stored block does not match its checksum
     */
    Optional<ObjectImage> export(long oid) throws StoreException;

    /**
     * Replaces the object with {@code image}: afterwards it holds exactly the image's blocks and has exactly the
     * image's version. Used to copy a replica from another node. A crash part way leaves the object with version
     * {@link ObjectVersion#NONE} (or the old object), never a partial object with the image's version.
     *
     * @param sync make the object durable before returning
     */
    ObjectInfo install(ObjectImage image, boolean sync) throws StoreException;

    /** Removes the object; a no-op if it does not exist. */
    void delete(long oid) throws StoreException;

    /** Calls {@code consumer} with the id of every stored object, in no particular order. */
    void forEachObject(LongConsumer consumer) throws StoreException;

    /** Durability barrier: every write acknowledged before this call survives kill -9 and power loss after it. */
    void flush() throws StoreException;

    /** Space used and free. */
    StoreStats stats() throws StoreException;

    @Override
    void close() throws StoreException;
}
