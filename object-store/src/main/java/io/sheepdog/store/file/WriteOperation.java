package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Optional;

/**
 * One write, zero-fill or discard of an object, run under the object's write lock:
 *
 * <ol>
 *   <li>plan whole blocks ({@link Mutation}), reading and checking partly covered ones;</li>
 *   <li>apply one index batch: the new version, for each written block its new checksum with its fall-backs
 *       ({@link BlockEntry#afterWrite}), deleted entries for discarded blocks, and the object's dirty mark;</li>
 *   <li>write the blocks to the data file.</li>
 * </ol>
 *
 * If step 3 fails (a full disk, an I/O error), the entries are restored: blocks unallocated before become so
 * again, allocated ones get their old entry back unless the new data already replaced the old in the file, so
 * what was stored before stays readable (or, for a block overwritten in place, the new data). If even that
 * fails, the object is marked unsettled: reads accept the fall-backs of step 2, and the next sync settles the
 * index on the file.
 */
final class WriteOperation {
    private final ObjectIndex index;
    private final DataFiles files;
    private final BlockReader reader;
    private final Durability durability;
    private final SpaceAccounting space;
    private final StepHook hook;

    WriteOperation(ObjectIndex index, DataFiles files, BlockReader reader, Durability durability,
            SpaceAccounting space, StepHook hook) {
        this.index = index;
        this.files = files;
        this.reader = reader;
        this.durability = durability;
        this.space = space;
        this.hook = hook;
    }

    ObjectInfo run(long oid, long offset, ByteBuffer src, boolean discard, long epoch) throws StoreException {
        return run(oid, offset, src, discard, epoch, null);
    }

    /**
     * As {@link #run(long, long, ByteBuffer, boolean, long)}, but the object gets version {@code forced} instead of
     * the next one (null: the next one); used to install a copy of another replica.
     */
    ObjectInfo run(long oid, long offset, ByteBuffer src, boolean discard, long epoch, ObjectVersion forced)
            throws StoreException {
        Optional<ObjectMeta> found = index.meta(oid);
        ObjectMeta old = found.orElse(null);
        int first = Blocks.blockOf(offset);
        BlockEntry[] before = new BlockEntry[Blocks.blockOf(offset + src.remaining() - 1) - first + 1];
        if (old != null) {
            index.blocks(oid, first, before);
        }
        BitSet allocated = new BitSet(before.length);
        for (int i = 0; i < before.length; i++) {
            allocated.set(i, before[i] != null);
        }
        Mutation m;
        try {
            m = Mutation.plan(offset, src, discard, first, allocated, block -> oldBlock(oid, first, block, before));
        } catch (IOException e) {
            throw Blocks.failure("write", oid, e);
        }
        ObjectVersion version = forced != null ? forced
                : (old == null ? ObjectVersion.NONE : old.version()).next(epoch);
        if (old == null && !m.writesData()) {
            return new ObjectInfo(oid, version, 0); // discarding what does not exist
        }
        long generation = old == null ? 0 : old.generation();
        IndexBatch batch = new IndexBatch();
        BlockEntry[] after = before.clone();
        BitSet written = new BitSet(before.length);
        int newBlocks = 0;
        for (Mutation.Segment s : m.segments()) {
            for (int i = 0; i < s.blockCount(); i++) {
                int rel = s.firstBlock() + i - first;
                after[rel] = BlockEntry.afterWrite(before[rel], Blocks.crc(s.block(i)), generation);
                batch.putBlock(oid, first + rel, after[rel]);
                written.set(rel);
                newBlocks += before[rel] == null ? 1 : 0;
            }
        }
        for (int rel = m.discarded().nextSetBit(0); rel >= 0; rel = m.discarded().nextSetBit(rel + 1)) {
            batch.deleteBlock(oid, first + rel);
            after[rel] = null;
        }
        int blocks = (old == null ? 0 : old.allocatedBlocks()) + newBlocks - m.discarded().cardinality();
        if (blocks == 0) {
            // The object stays, empty: an object exists from its creation to its removal, so a replica that lost
            // it can be told from one whose blocks were all discarded.
            emptyObject(oid, old, new ObjectMeta(version, 0, generation), batch);
            return new ObjectInfo(oid, version, 0);
        }
        space.checkRoom(oid, newBlocks);
        ObjectMeta meta = new ObjectMeta(version, blocks, generation);
        batch.putMeta(oid, meta);
        if (m.writesData() && !durability.isDirty(oid)) {
            batch.markDirty(oid);
        }
        index.apply(batch);
        long seq = durability.batchApplied();
        space.changed(old, meta);
        if (m.writesData()) {
            durability.written(oid, generation, seq, false);
            long[] sizeBefore = {-1};
            try {
                hook.reached(StepHook.Step.INDEX_APPLIED, oid);
                writeData(oid, m, generation, seq, sizeBefore);
                hook.reached(StepHook.Step.DATA_WRITTEN, oid);
            } catch (IOException | RuntimeException e) {
                StoreException failure = e instanceof IOException io ? Blocks.failure("write", oid, io)
                        : new StoreException("write of object " + ObjectId.toString(oid) + " failed: " + e, e);
                truncate(oid, sizeBefore[0], failure);
                rollBack(oid, first, written, before, after, old, meta, failure);
                throw failure;
            }
        }
        return new ObjectInfo(oid, version, meta.allocatedBytes());
    }

    private ByteBuffer oldBlock(long oid, int first, int block, BlockEntry[] before) throws IOException {
        ByteBuffer image = ByteBuffer.allocate(BLOCK_SIZE);
        if (before[block - first] != null) {
            reader.read(oid, block, new BlockEntry[] {before[block - first]}, image);
        }
        return image;
    }

    private void writeData(long oid, Mutation m, long generation, long seq, long[] sizeBefore) throws IOException {
        OpenFile file = files.acquire(oid, true);
        try {
            if (file.takeCreated()) {
                durability.written(oid, generation, seq, true);
            }
            sizeBefore[0] = file.channel().size();
            for (Mutation.Segment s : m.segments()) {
                Blocks.writeFully(file.channel(), s.data().duplicate(), BlockEntry.fileOffset(s.firstBlock()));
            }
        } finally {
            files.release(oid, file);
        }
    }

    /**
     * Cuts what a failed write appended to the file. Every allocated block lies below the old size (writing a
     * block is what makes the file that long), so only this write's bytes go; on a full disk this frees the room
     * the roll-back needs in the index.
     */
    private void truncate(long oid, long sizeBefore, StoreException failure) {
        if (sizeBefore < 0) {
            return;
        }
        OpenFile file = null;
        try {
            file = files.acquire(oid, false);
            if (file != null && file.channel().size() > sizeBefore) {
                file.channel().truncate(sizeBefore);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        } finally {
            files.release(oid, file);
        }
    }

    /** The last block went: the record stays with no blocks, its file goes. */
    private void emptyObject(long oid, ObjectMeta old, ObjectMeta empty, IndexBatch batch) throws StoreException {
        index.apply(batch.putMeta(oid, empty).clearDirty(oid));
        durability.batchApplied();
        durability.clean(oid);
        space.changed(old, empty);
        try {
            files.delete(oid);
        } catch (IOException e) {
            throw Blocks.failure("removing the data file", oid, e);
        }
    }

    /** A failed first write: the object goes, in the same batch, and its file after it. */
    private void removeObject(long oid, ObjectMeta old, IndexBatch batch) throws StoreException {
        index.apply(batch.deleteMeta(oid).clearDirty(oid));
        durability.batchApplied();
        durability.clean(oid);
        space.changed(old, null);
        try {
            files.delete(oid);
        } catch (IOException e) {
            throw Blocks.failure("removing the data file", oid, e);
        }
    }

    /**
     * After a failed data write: blocks that were unallocated become unallocated again; an allocated block keeps
     * its new entry only if its new data is in the file (its old bytes are gone), else gets its old entry back;
     * the old record comes back if no block kept new data. Failures here are added to {@code failure}.
     */
    private void rollBack(long oid, int first, BitSet written, BlockEntry[] before, BlockEntry[] after,
            ObjectMeta old, ObjectMeta current, StoreException failure) {
        try {
            OpenFile file = files.acquire(oid, false);
            IndexBatch batch = new IndexBatch();
            boolean landed = false;
            int blocks = current.allocatedBlocks();
            try {
                ByteBuffer buf = ByteBuffer.allocate(BLOCK_SIZE);
                for (int rel = written.nextSetBit(0); rel >= 0; rel = written.nextSetBit(rel + 1)) {
                    if (before[rel] == null) {
                        // Unallocated before: dropping the entry restores it whatever reached the file.
                        batch.deleteBlock(oid, first + rel);
                        blocks--;
                        continue;
                    }
                    buf.clear();
                    if (file == null) {
                        Blocks.zero(buf, 0, BLOCK_SIZE);
                    } else {
                        Blocks.readFully(file.channel(), buf, BlockEntry.fileOffset(first + rel));
                    }
                    if (Blocks.crc(buf.flip()) == after[rel].crc()) {
                        landed = true; // the old bytes are gone: only the new entry describes the file
                    } else {
                        batch.putBlock(oid, first + rel, before[rel]);
                    }
                }
            } finally {
                files.release(oid, file);
            }
            if (!landed && old == null) {
                removeObject(oid, current, batch);
                return;
            }
            ObjectMeta restored = landed ? current.withAllocatedBlocks(blocks) : old;
            index.apply(batch.putMeta(oid, restored));
            durability.batchApplied();
            space.changed(current, restored);
        } catch (IOException | RuntimeException e) {
            // The index stays ahead of the data: reads accept the fall-backs until the object is settled.
            durability.unsettled(oid);
            failure.addSuppressed(e);
        }
    }
}
