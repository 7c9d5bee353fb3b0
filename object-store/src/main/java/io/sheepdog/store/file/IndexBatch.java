package io.sheepdog.store.file;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Changes to an {@link ObjectIndex} applied atomically by {@link ObjectIndex#apply}, in the order they were added.
 * Not thread-safe: one batch is built by one operation.
 */
public final class IndexBatch {
    private final List<Op> ops = new ArrayList<>();

    /** One change. */
    public sealed interface Op permits PutMeta, DeleteMeta, PutBlock, DeleteBlock, MarkDirty, ClearDirty {
        long oid();
    }

    /** Sets the record of an object. */
    public record PutMeta(long oid, ObjectMeta meta) implements Op {
        public PutMeta {
            Objects.requireNonNull(meta, "meta");
        }
    }

    /** Removes the record of an object (its blocks are removed separately). */
    public record DeleteMeta(long oid) implements Op {
    }

    /** Sets the entry of a block, allocating it. */
    public record PutBlock(long oid, int block, BlockEntry entry) implements Op {
        public PutBlock {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /** Removes the entry of a block: it becomes unallocated and reads as zeroes. */
    public record DeleteBlock(long oid, int block) implements Op {
    }

    /** Records that the object has writes not yet fsynced, for crash recovery. */
    public record MarkDirty(long oid) implements Op {
    }

    /** Clears {@link MarkDirty}. */
    public record ClearDirty(long oid) implements Op {
    }

    public IndexBatch putMeta(long oid, ObjectMeta meta) {
        return add(new PutMeta(oid, meta));
    }

    public IndexBatch deleteMeta(long oid) {
        return add(new DeleteMeta(oid));
    }

    public IndexBatch putBlock(long oid, int block, BlockEntry entry) {
        return add(new PutBlock(oid, block, entry));
    }

    public IndexBatch deleteBlock(long oid, int block) {
        return add(new DeleteBlock(oid, block));
    }

    public IndexBatch markDirty(long oid) {
        return add(new MarkDirty(oid));
    }

    public IndexBatch clearDirty(long oid) {
        return add(new ClearDirty(oid));
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    private IndexBatch add(Op op) {
        ops.add(op);
        return this;
    }
}
