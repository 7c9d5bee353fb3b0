package io.sheepdog.store.memory;

import static io.sheepdog.store.ObjectLayout.BLOCKS_PER_OBJECT;
import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;

import io.sheepdog.store.ChecksumException;
import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreStats;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * An {@link ObjectStore} in memory, for tests of the modules above the store. Same semantics as the file store:
 * sparse objects of {@link io.sheepdog.store.ObjectLayout#BLOCK_SIZE} blocks, versions, allocation, removal of an
 * object whose last block is discarded, whole-block merges (so a partial write into a damaged block fails like
 * it does on disk). Nothing is durable; {@link #flush()} only counts. Faults can be injected:
 * {@link #corruptBlock} makes a block fail its checksum, {@link #setCapacityBytes} makes writes run out of space.
 * Thread-safe (one lock: tests only).
 */
public final class MemoryObjectStore implements ObjectStore {
    private final Map<Long, StoredObject> objects = new HashMap<>();
    private long capacityBytes = Long.MAX_VALUE;
    private long allocatedBlocks;
    private int flushes;
    private boolean closed;

    /** One object: its blocks (null = unallocated) and the blocks made to fail their checksum. */
    private static final class StoredObject {
        private final byte[][] blocks = new byte[BLOCKS_PER_OBJECT][];
        private final BitSet corrupt = new BitSet();
        private ObjectVersion version = ObjectVersion.NONE;
        private int allocated;

        long allocatedBytes() {
            return (long) allocated * BLOCK_SIZE;
        }
    }

    @Override
    public synchronized void read(long oid, long offset, ByteBuffer dst) throws StoreException {
        checkOpen();
        int length = dst.remaining();
        checkRange(oid, offset, length);
        StoredObject o = objects.get(oid);
        long pos = offset;
        while (pos < offset + length) {
            int block = (int) (pos / BLOCK_SIZE);
            int inner = (int) (pos % BLOCK_SIZE);
            int n = (int) Math.min(BLOCK_SIZE - inner, offset + length - pos);
            byte[] data = o == null ? null : o.blocks[block];
            if (data == null) {
                dst.put(new byte[n]);
            } else {
                checkNotCorrupt(oid, o, block);
                dst.put(data, inner, n);
            }
            pos += n;
        }
    }

    @Override
    public synchronized ObjectInfo write(long oid, long offset, ByteBuffer src, long epoch, boolean sync)
            throws StoreException {
        checkOpen();
        checkEpoch(epoch);
        int length = src.remaining();
        checkRange(oid, offset, length);
        if (length == 0) {
            return stat(oid).orElse(new ObjectInfo(oid, ObjectVersion.NONE, 0));
        }
        byte[] bytes = new byte[length];
        src.duplicate().get(bytes);
        ObjectInfo info = put(oid, offset, bytes, false, epoch);
        src.position(src.limit());
        return info;
    }

    @Override
    public synchronized Optional<ObjectInfo> writeIfAbsent(long oid, long offset, ByteBuffer src, long epoch,
                                                        boolean sync) throws StoreException {
        checkOpen();
        return stat(oid).isPresent() ? Optional.empty() : Optional.of(write(oid, offset, src, epoch, sync));
    }

    @Override
    public synchronized ObjectInfo zero(long oid, long offset, long length, boolean discard, long epoch,
            boolean sync) throws StoreException {
        checkOpen();
        checkEpoch(epoch);
        checkRange(oid, offset, length);
        if (length == 0) {
            return stat(oid).orElse(new ObjectInfo(oid, ObjectVersion.NONE, 0));
        }
        return put(oid, offset, new byte[(int) length], discard, epoch);
    }

    private ObjectInfo put(long oid, long offset, byte[] bytes, boolean discard, long epoch) throws StoreException {
        StoredObject existing = objects.get(oid);
        StoredObject o = existing != null ? existing : new StoredObject();
        long end = offset + bytes.length;
        int first = (int) (offset / BLOCK_SIZE);
        int last = (int) ((end - 1) / BLOCK_SIZE);
        int newBlocks = 0;
        for (int b = first; b <= last; b++) {
            boolean whole = BlockRange.covers(offset, end, b);
            if (!whole && o.blocks[b] != null) {
                checkNotCorrupt(oid, o, b); // merging needs the old bytes, as on disk
            }
            if (o.blocks[b] == null && !discard) {
                newBlocks++;
            }
        }
        if ((allocatedBlocks + newBlocks) * BLOCK_SIZE > capacityBytes) {
            throw new NoSpaceException("memory store is full: capacity " + capacityBytes + " bytes", null);
        }
        ObjectVersion version = o.version.next(epoch);
        for (int b = first; b <= last; b++) {
            long blockStart = (long) b * BLOCK_SIZE;
            boolean whole = BlockRange.covers(offset, end, b);
            if (discard && (whole || o.blocks[b] == null)) {
                if (o.blocks[b] != null) {
                    o.blocks[b] = null;
                    o.allocated--;
                    allocatedBlocks--;
                }
                o.corrupt.clear(b);
                continue;
            }
            if (o.blocks[b] == null) {
                o.blocks[b] = new byte[BLOCK_SIZE];
                o.allocated++;
                allocatedBlocks++;
            }
            long from = Math.max(offset, blockStart);
            long to = Math.min(end, blockStart + BLOCK_SIZE);
            System.arraycopy(bytes, (int) (from - offset), o.blocks[b], (int) (from - blockStart), (int) (to - from));
            if (whole) {
                o.corrupt.clear(b);
            }
        }
        if (o.allocated == 0 && existing == null) {
            return new ObjectInfo(oid, version, 0); // discarding what does not exist
        }
        o.version = version;
        objects.put(oid, o);
        return new ObjectInfo(oid, version, o.allocatedBytes());
    }

    @Override
    public synchronized Optional<ObjectInfo> stat(long oid) throws StoreException {
        checkOpen();
        StoredObject o = objects.get(oid);
        return o == null ? Optional.empty() : Optional.of(new ObjectInfo(oid, o.version, o.allocatedBytes()));
    }

    @Override
    public synchronized BitSet allocation(long oid) throws StoreException {
        checkOpen();
        BitSet bits = new BitSet(BLOCKS_PER_OBJECT);
        StoredObject o = objects.get(oid);
        for (int b = 0; o != null && b < BLOCKS_PER_OBJECT; b++) {
            bits.set(b, o.blocks[b] != null);
        }
        return bits;
    }

    @Override
    public synchronized Optional<ObjectImage> export(long oid) throws StoreException {
        checkOpen();
        StoredObject o = objects.get(oid);
        if (o == null) {
            return Optional.empty();
        }
        BitSet allocation = new BitSet(BLOCKS_PER_OBJECT);
        ByteBuffer blocks = ByteBuffer.allocate(o.allocated * BLOCK_SIZE);
        for (int b = 0; b < BLOCKS_PER_OBJECT; b++) {
            if (o.blocks[b] != null) {
                checkNotCorrupt(oid, o, b);
                allocation.set(b);
                blocks.put(o.blocks[b]);
            }
        }
        return Optional.of(new ObjectImage(oid, o.version, allocation, blocks.flip()));
    }

    @Override
    public synchronized ObjectInfo install(ObjectImage image, boolean sync) throws StoreException {
        checkOpen();
        int needed = image.blockCount() - Optional.ofNullable(objects.get(image.oid())).map(o -> o.allocated)
                .orElse(0);
        if ((allocatedBlocks + needed) * BLOCK_SIZE > capacityBytes) {
            throw new NoSpaceException("memory store is full: capacity " + capacityBytes + " bytes", null);
        }
        delete(image.oid());
        StoredObject o = new StoredObject();
        ByteBuffer src = image.blocks().duplicate();
        for (int b = image.allocation().nextSetBit(0); b >= 0; b = image.allocation().nextSetBit(b + 1)) {
            o.blocks[b] = new byte[BLOCK_SIZE];
            src.get(o.blocks[b]);
            o.allocated++;
        }
        allocatedBlocks += o.allocated;
        o.version = image.version();
        objects.put(image.oid(), o);
        return new ObjectInfo(image.oid(), o.version, o.allocatedBytes());
    }

    @Override
    public synchronized void delete(long oid) throws StoreException {
        checkOpen();
        StoredObject o = objects.remove(oid);
        if (o != null) {
            allocatedBlocks -= o.allocated;
        }
    }

    @Override
    public void forEachObject(LongConsumer consumer) throws StoreException {
        List<Long> oids;
        synchronized (this) {
            checkOpen();
            oids = List.copyOf(objects.keySet());
        }
        oids.forEach(consumer::accept); // outside the lock: the consumer may call back
    }

    @Override
    public synchronized void flush() throws StoreException {
        checkOpen();
        flushes++;
    }

    @Override
    public synchronized StoreStats stats() throws StoreException {
        checkOpen();
        long used = allocatedBlocks * BLOCK_SIZE;
        return new StoreStats(capacityBytes, used, Math.max(0, capacityBytes - used), objects.size());
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    /**
     * Makes every read of the allocated block {@code block} of {@code oid} (and every partial write into it) throw
     * {@link ChecksumException} until the block is wholly rewritten, discarded or the object deleted.
     *
     * @throws IllegalStateException if the block is not allocated: an unallocated block has nothing to damage
     */
    public synchronized void corruptBlock(long oid, int block) {
        StoredObject o = objects.get(oid);
        if (o == null || o.blocks[block] == null) {
            throw new IllegalStateException("block " + block + " of " + ObjectId.toString(oid) + " is not allocated");
        }
        o.corrupt.set(block);
    }

    /** Limits allocated bytes: a write that would allocate beyond it throws {@link NoSpaceException}. */
    public synchronized void setCapacityBytes(long bytes) {
        this.capacityBytes = bytes;
    }

    /** Number of {@link #flush()} calls so far. */
    public synchronized int flushCount() {
        return flushes;
    }

    /** A copy of the whole object (zeroes where unallocated), ignoring injected corruption; for assertions. */
    public synchronized byte[] contents(long oid) {
        byte[] all = new byte[OBJECT_SIZE];
        StoredObject o = objects.get(oid);
        for (int b = 0; o != null && b < BLOCKS_PER_OBJECT; b++) {
            if (o.blocks[b] != null) {
                System.arraycopy(o.blocks[b], 0, all, b * BLOCK_SIZE, BLOCK_SIZE);
            }
        }
        return all;
    }

    private void checkNotCorrupt(long oid, StoredObject o, int block) throws ChecksumException {
        if (o.corrupt.get(block)) {
            throw new ChecksumException(oid, block, "corruption injected by the test");
        }
    }

    private void checkOpen() throws StoreException {
        if (closed) {
            throw new StoreException("object store is closed");
        }
    }

    private static void checkEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
    }

    private static void checkRange(long oid, long offset, long length) throws StoreException {
        if (offset < 0 || length < 0 || offset > OBJECT_SIZE || length > OBJECT_SIZE - offset) {
            throw new StoreException("range [" + offset + ", +" + length + ") is outside object "
                    + ObjectId.toString(oid) + " of " + OBJECT_SIZE + " bytes");
        }
    }

    /** Block coverage arithmetic. */
    private static final class BlockRange {
        static boolean covers(long start, long end, int block) {
            long blockStart = (long) block * BLOCK_SIZE;
            return start <= blockStart && end >= blockStart + BLOCK_SIZE;
        }
    }
}
