package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCKS_PER_OBJECT;
import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import com.google.common.util.concurrent.Striped;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.LongConsumer;

/**
 * The {@link ObjectStore} of a sheep: each object's bytes in a file of its own, written with positional I/O, and
 * its version and per-block CRC32C in an {@link ObjectIndex}. See the package documentation for the write
 * protocol that keeps the two consistent across crashes without a journal.
 *
 * <p>Concurrency: operations on one object are serialised by a striped read-write lock (reads share it), so
 * readers racing writers of the same object see whole writes; different objects proceed in parallel.
 */
public final class FileObjectStore implements ObjectStore {
    private static final int LOCK_STRIPES = 1024;

    private final ObjectIndex index;
    private final DataFiles files;
    private final Durability durability = new Durability();
    private final BlockReader reader;
    private final SpaceAccounting space;
    private final ObjectSync sync;
    private final Striped<ReadWriteLock> locks = Striped.readWriteLock(LOCK_STRIPES);
    private volatile StepHook hook = StepHook.NONE;
    private volatile boolean closed;

    private FileObjectStore(ObjectIndex index, DataFiles files, SpaceAccounting space) {
        this.index = index;
        this.files = files;
        this.space = space;
        this.reader = new BlockReader(files, durability);
        this.sync = new ObjectSync(index, files, durability, space);
    }

    /**
     * Opens the store whose data files are under {@code root}, settling writes a crash left half done.
     *
     * @param create         lay out {@code root} (a new store); otherwise it must exist
     * @param maxOpenFiles   data files kept open
     * @param reservedBytes  free space below which allocating writes fail with
     *                       {@link io.sheepdog.store.NoSpaceException} before anything is changed; negative
     *                       disables the check, leaving the file system to fail the write (for tests)
     */
    public static FileObjectStore open(Path root, ObjectIndex index, boolean create, int maxOpenFiles,
            long reservedBytes) throws StoreException {
        try {
            if (create) {
                DataFiles.createLayout(root);
            } else if (!Files.isDirectory(root)) {
                throw new StoreException("object directory " + root + " is missing: the store is damaged");
            }
            DataFiles files = new DataFiles(root, maxOpenFiles);
            SpaceAccounting space = new SpaceAccounting(Files.getFileStore(root), reservedBytes);
            FileObjectStore store = new FileObjectStore(index, files, space);
            new StartupRecovery(index, files, store.durability, store.sync, space).run();
            return store;
        } catch (IOException e) {
            throw e instanceof StoreException se ? se
                    : new StoreException("cannot open the object directory " + root + ": " + e, e);
        }
    }

    @Override
    public void read(long oid, long offset, ByteBuffer dst) throws StoreException {
        checkOpen();
        int length = dst.remaining();
        Blocks.checkRange(oid, offset, length);
        if (length == 0) {
            return;
        }
        int first = Blocks.blockOf(offset);
        BlockEntry[] entries = new BlockEntry[Blocks.blockOf(offset + length - 1) - first + 1];
        Lock lock = locks.get(oid).readLock();
        lock.lock();
        try {
            index.blocks(oid, first, entries);
            boolean aligned = offset % BLOCK_SIZE == 0 && length % BLOCK_SIZE == 0;
            ByteBuffer target = aligned ? dst.slice(dst.position(), length)
                    : ByteBuffer.allocate(entries.length * BLOCK_SIZE);
            reader.read(oid, first, entries, target);
            if (aligned) {
                dst.position(dst.position() + length);
            } else {
                int skip = (int) (offset - BlockEntry.fileOffset(first));
                dst.put(target.position(skip).limit(skip + length));
            }
        } catch (IOException e) {
            throw Blocks.failure("read", oid, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ObjectInfo write(long oid, long offset, ByteBuffer src, long epoch, boolean sync) throws StoreException {
        checkOpen();
        Blocks.checkEpoch(epoch);
        int length = src.remaining();
        Blocks.checkRange(oid, offset, length);
        if (length == 0) {
            return stat(oid).orElse(new ObjectInfo(oid, ObjectVersion.NONE, 0));
        }
        ObjectInfo info = mutate(oid, offset, src, false, epoch, sync);
        src.position(src.limit());
        return info;
    }

    @Override
    public Optional<ObjectInfo> writeIfAbsent(long oid, long offset, ByteBuffer src, long epoch, boolean sync)
            throws StoreException {
        checkOpen();
        Blocks.checkEpoch(epoch);
        Blocks.checkRange(oid, offset, src.remaining());
        Lock lock = locks.get(oid).writeLock();
        lock.lock();
        try {
            if (index.meta(oid).isPresent()) {
                return Optional.empty();
            }
            return Optional.of(write(oid, offset, src, epoch, sync)); // the write lock is reentrant
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ObjectInfo zero(long oid, long offset, long length, boolean discard, long epoch, boolean sync)
            throws StoreException {
        checkOpen();
        Blocks.checkEpoch(epoch);
        Blocks.checkRange(oid, offset, length);
        if (length == 0) {
            return stat(oid).orElse(new ObjectInfo(oid, ObjectVersion.NONE, 0));
        }
        return mutate(oid, offset, Blocks.ZEROES.duplicate().limit((int) length), discard, epoch, sync);
    }

    private ObjectInfo mutate(long oid, long offset, ByteBuffer src, boolean discard, long epoch, boolean syncIt)
            throws StoreException {
        Lock lock = locks.get(oid).writeLock();
        lock.lock();
        try {
            ObjectInfo info = new WriteOperation(index, files, reader, durability, space, hook)
                    .run(oid, offset, src, discard, epoch);
            if (syncIt) {
                sync.syncObject(oid);
            }
            return info;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<ObjectInfo> stat(long oid) throws StoreException {
        checkOpen();
        return index.meta(oid).map(m -> new ObjectInfo(oid, m.version(), m.allocatedBytes()));
    }

    @Override
    public BitSet allocation(long oid) throws StoreException {
        checkOpen();
        BitSet bits = new BitSet(BLOCKS_PER_OBJECT);
        BlockEntry[] entries = new BlockEntry[BLOCKS_PER_OBJECT];
        index.blocks(oid, 0, entries);
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] != null) {
                bits.set(i);
            }
        }
        return bits;
    }

    @Override
    public Optional<ObjectImage> export(long oid) throws StoreException {
        checkOpen();
        Lock lock = locks.get(oid).readLock();
        lock.lock();
        try {
            Optional<ObjectMeta> meta = index.meta(oid);
            if (meta.isEmpty()) {
                return Optional.empty();
            }
            BlockEntry[] entries = new BlockEntry[BLOCKS_PER_OBJECT];
            index.blocks(oid, 0, entries);
            BitSet allocation = new BitSet(BLOCKS_PER_OBJECT);
            for (int i = 0; i < entries.length; i++) {
                allocation.set(i, entries[i] != null);
            }
            ByteBuffer blocks = ByteBuffer.allocate(allocation.cardinality() * BLOCK_SIZE);
            int packed = 0;
            for (int b = allocation.nextSetBit(0); b >= 0; ) {
                int end = allocation.nextClearBit(b);
                BlockEntry[] run = Arrays.copyOfRange(entries, b, end);
                reader.read(oid, b, run, blocks.slice(packed, run.length * BLOCK_SIZE));
                packed += run.length * BLOCK_SIZE;
                b = allocation.nextSetBit(end);
            }
            return Optional.of(new ObjectImage(oid, meta.get().version(), allocation, blocks));
        } catch (IOException e) {
            throw Blocks.failure("export", oid, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ObjectInfo install(ObjectImage image, boolean syncIt) throws StoreException {
        checkOpen();
        long oid = image.oid();
        long epoch = Math.max(1, image.version().epoch());
        Lock lock = locks.get(oid).writeLock();
        lock.lock();
        try {
            deleteLocked(oid);
            int last = image.allocation().length() - 1;
            if (last < 0) {
                ObjectMeta empty = new ObjectMeta(image.version(), 0, 0);
                index.apply(new IndexBatch().putMeta(oid, empty));
                durability.batchApplied();
                space.changed(null, empty);
                if (syncIt) {
                    durability.syncWal(index);
                }
            }
            // Every run but the last is written with version NONE: until the last lands, the object is older than
            // any real replica, so a crash part way leaves a copy that recovery replaces, never one that passes.
            image.forEachRun((first, data) -> {
                boolean lastRun = first + data.remaining() / BLOCK_SIZE - 1 == last;
                new WriteOperation(index, files, reader, durability, space, hook).run(oid,
                        (long) first * BLOCK_SIZE, data, false, epoch, lastRun ? image.version() : ObjectVersion.NONE);
            });
            if (syncIt) {
                sync.syncObject(oid);
            }
            return stat(oid).orElseThrow(() -> new StoreException("object " + ObjectId.toString(oid)
                    + " vanished while being installed"));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(long oid) throws StoreException {
        checkOpen();
        Lock lock = locks.get(oid).writeLock();
        lock.lock();
        try {
            deleteLocked(oid);
        } finally {
            lock.unlock();
        }
    }

    private void deleteLocked(long oid) throws StoreException {
        try {
            Optional<ObjectMeta> meta = index.meta(oid);
            if (meta.isPresent()) {
                BlockEntry[] entries = new BlockEntry[BLOCKS_PER_OBJECT];
                index.blocks(oid, 0, entries);
                IndexBatch batch = new IndexBatch();
                for (int i = 0; i < entries.length; i++) {
                    if (entries[i] != null) {
                        batch.deleteBlock(oid, i);
                    }
                }
                index.apply(batch.deleteMeta(oid).clearDirty(oid));
                durability.batchApplied();
                space.changed(meta.get(), null);
            }
            // A crash before the unlink leaves an orphan file, removed at the next open.
            durability.clean(oid);
            files.delete(oid);
        } catch (IOException e) {
            throw Blocks.failure("delete", oid, e);
        }
    }

    @Override
    public void forEachObject(LongConsumer consumer) throws StoreException {
        checkOpen();
        index.forEachObject((oid, meta) -> consumer.accept(oid));
    }

    @Override
    public void flush() throws StoreException {
        checkOpen();
        // Checksums before data: a data block on disk whose index entry is not is the one case a crash cannot undo.
        durability.syncWal(index);
        for (long oid : durability.dirtyObjects()) {
            Lock lock = locks.get(oid).writeLock();
            lock.lock();
            try {
                sync.syncObject(oid);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public StoreStats stats() throws StoreException {
        checkOpen();
        return space.stats();
    }

    /** Flushes, then closes the data files. The index is owned (and closed) by whoever opened it. */
    @Override
    public void close() throws StoreException {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            files.close();
        }
    }

    void stepHook(StepHook h) {
        this.hook = h;
    }

    Path dataFile(long oid) {
        return files.path(oid);
    }

    private void checkOpen() throws StoreException {
        if (closed) {
            throw new StoreException("object store is closed");
        }
    }
}
