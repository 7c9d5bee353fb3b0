package io.sheepdog.store.file;

import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreStats;
import java.io.IOException;
import java.nio.file.FileStore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of allocated blocks and objects (recomputed from the index at open), and the free-space check
 * that refuses an allocating write before anything is changed when the file system is about to fill up: the
 * metadata database shares the disk, and it copes far worse with a full disk than the data files do.
 */
final class SpaceAccounting {
    private final FileStore fileStore;
    private final long reservedBytes;
    private final AtomicLong blocks = new AtomicLong();
    private final AtomicLong objects = new AtomicLong();

    SpaceAccounting(FileStore fileStore, long reservedBytes) {
        this.fileStore = fileStore;
        this.reservedBytes = reservedBytes;
    }

    void reset(long allocatedBlocks, long objectCount) {
        blocks.set(allocatedBlocks);
        objects.set(objectCount);
    }

    /** Accounts for an object record changing from {@code before} to {@code after}; null means absent. */
    void changed(ObjectMeta before, ObjectMeta after) {
        int was = before == null ? 0 : before.allocatedBlocks();
        blocks.addAndGet((after == null ? 0 : after.allocatedBlocks()) - was);
        objects.addAndGet((after == null ? 0 : 1) - (before == null ? 0 : 1));
    }

    /**
     * Throws {@link NoSpaceException} if allocating {@code newBlocks} blocks would leave less than the reserve free.
     * Overwrites of allocated blocks pass: they need no new space. A negative reserve disables the check.
     */
    void checkRoom(long oid, int newBlocks) throws StoreException {
        if (newBlocks == 0 || reservedBytes < 0) {
            return;
        }
        long needed = (long) newBlocks * ObjectLayout.BLOCK_SIZE;
        long free;
        try {
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            throw new StoreException("cannot read the free space of " + fileStore, e);
        }
        if (free - needed < reservedBytes) {
            throw new NoSpaceException("store is full: writing object " + ObjectId.toString(oid) + " needs " + needed
                    + " bytes, " + free + " are free and " + reservedBytes + " are kept in reserve", null);
        }
    }

    StoreStats stats() throws StoreException {
        try {
            // Free means what writes may still allocate, so a node at its reserve shows as full (collie node info).
            long usable = fileStore.getUsableSpace();
            long free = reservedBytes < 0 ? usable : Math.max(0, usable - reservedBytes);
            return new StoreStats(fileStore.getTotalSpace(), blocks.get() * ObjectLayout.BLOCK_SIZE, free,
                    objects.get());
        } catch (IOException e) {
            throw new StoreException("cannot read the space of " + fileStore, e);
        }
    }
}
