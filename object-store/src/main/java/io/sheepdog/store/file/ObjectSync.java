package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCKS_PER_OBJECT;
import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one object's writes durable, and settles an object whose index may be ahead of its data file. Callers
 * hold the object's write lock, so no write slips in between the fsync and the generation change.
 *
 * <p>Sync: the write-ahead log of the index if it holds any of the object's batches not yet synced, then the data
 * file, then (for a new file) its directory; then the object's next generation starts, which retires the
 * fall-backs of every block written so far.
 *
 * <p>Settle (after a crash, or a failed write whose roll-back failed): each block written in the current
 * generation is read and its entry set to whichever accepted content the file holds, or dropped if a fall-back is
 * "unallocated"; a block matching none is left for reads to report as damaged.
 */
final class ObjectSync {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectSync.class);

    private final ObjectIndex index;
    private final DataFiles files;
    private final Durability durability;
    private final SpaceAccounting space;

    ObjectSync(ObjectIndex index, DataFiles files, Durability durability, SpaceAccounting space) {
        this.index = index;
        this.files = files;
        this.durability = durability;
        this.space = space;
    }

    void syncObject(long oid) throws StoreException {
        Durability.Dirty dirty = durability.get(oid);
        if (dirty == null) {
            return;
        }
        try {
            if (dirty.unsettled() && !settle(oid)) {
                return;
            }
            if (!durability.walSyncedThrough(dirty.lastBatch())) {
                durability.syncWal(index);
            }
            OpenFile file = files.acquire(oid, false);
            try {
                if (file != null) {
                    file.channel().force(false);
                }
            } finally {
                files.release(oid, file);
            }
            if (dirty.newFile()) {
                files.syncDirectoryOf(oid);
            }
        } catch (IOException e) {
            throw Blocks.failure("fsync", oid, e);
        }
        Optional<ObjectMeta> meta = index.meta(oid);
        IndexBatch batch = new IndexBatch();
        meta.ifPresent(m -> batch.putMeta(oid, m.nextGeneration()));
        // Not synced: losing this batch only brings the fall-backs back, which is safe.
        index.apply(batch.clearDirty(oid));
        durability.batchApplied();
        durability.clean(oid);
    }

    /** Settles the object's index on its data file; returns false if no block was left and the object removed. */
    private boolean settle(long oid) throws IOException {
        Optional<ObjectMeta> found = index.meta(oid);
        if (found.isEmpty()) {
            index.apply(new IndexBatch().clearDirty(oid));
            durability.clean(oid);
            return false;
        }
        ObjectMeta meta = found.get();
        BlockEntry[] entries = new BlockEntry[BLOCKS_PER_OBJECT];
        index.blocks(oid, 0, entries);
        IndexBatch batch = new IndexBatch();
        int blocks = meta.allocatedBlocks();
        OpenFile file = files.acquire(oid, false);
        try {
            ByteBuffer buf = ByteBuffer.allocate(BLOCK_SIZE);
            for (int i = 0; i < entries.length; i++) {
                BlockEntry e = entries[i];
                if (e == null || e.generation() != meta.generation()) {
                    continue;
                }
                buf.clear();
                if (file == null) {
                    Blocks.zero(buf, 0, BLOCK_SIZE);
                } else {
                    Blocks.readFully(file.channel(), buf, BlockEntry.fileOffset(i));
                }
                long crc = Blocks.crc(buf.flip());
                if (crc == e.crc()) {
                    continue;
                }
                if (e.isFallback(crc)) {
                    batch.putBlock(oid, i, e.settledOn(crc));
                } else if (e.mayBeUnallocated()) {
                    batch.deleteBlock(oid, i);
                    blocks--;
                } else {
                    LOG.warn("object {} block {} matches none of its checksums: reads will report it damaged",
                            ObjectId.toString(oid), i);
                }
            }
        } finally {
            files.release(oid, file);
        }
        if (blocks == 0) {
            index.apply(batch.deleteMeta(oid).clearDirty(oid));
            durability.batchApplied();
            durability.clean(oid);
            space.changed(meta, null);
            files.delete(oid);
            return false;
        }
        ObjectMeta settled = meta.withAllocatedBlocks(blocks);
        if (!batch.isEmpty()) {
            index.apply(batch.putMeta(oid, settled));
            durability.written(oid, meta.generation(), durability.batchApplied(), false);
            space.changed(meta, settled);
        }
        durability.settled(oid);
        return true;
    }
}
