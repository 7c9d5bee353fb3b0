package io.sheepdog.store.rocksdb;

import io.sheepdog.store.StoreException;
import io.sheepdog.store.file.BlockEntry;
import io.sheepdog.store.file.IndexBatch;
import io.sheepdog.store.file.ObjectIndex;
import io.sheepdog.store.file.ObjectMeta;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The {@link ObjectIndex} in the column families {@code objects}, {@code blocks} and {@code dirty} of a
 * {@link RocksDatabase} (layouts in {@link IndexCodec}). Batches go to the write-ahead log unsynced;
 * {@link #syncWal()} syncs it. Does not own the database.
 */
public final class RocksObjectIndex implements ObjectIndex {
    /** Up to this many blocks are looked up one by one; larger ranges are scanned with an iterator. */
    private static final int POINT_LOOKUPS = 2;

    private final RocksDatabase db;
    private final ColumnFamilyHandle objects;
    private final ColumnFamilyHandle blocks;
    private final ColumnFamilyHandle dirty;

    public RocksObjectIndex(RocksDatabase db) {
        this.db = db;
        this.objects = db.family(RocksDatabase.Family.OBJECTS);
        this.blocks = db.family(RocksDatabase.Family.BLOCKS);
        this.dirty = db.family(RocksDatabase.Family.DIRTY);
    }

    @Override
    public Optional<ObjectMeta> meta(long oid) throws StoreException {
        byte[] value = db.call("get object record", r -> r.get(objects, db.reads(), IndexCodec.objectKey(oid)));
        return value == null ? Optional.empty() : Optional.of(IndexCodec.decodeMeta(oid, value));
    }

    @Override
    public void blocks(long oid, int first, BlockEntry[] out) throws StoreException {
        Arrays.fill(out, null);
        if (out.length <= POINT_LOOKUPS) {
            for (int i = 0; i < out.length; i++) {
                byte[] key = IndexCodec.blockKey(oid, first + i);
                byte[] value = db.call("get block entry", r -> r.get(blocks, db.reads(), key));
                out[i] = value == null ? null : IndexCodec.decodeEntry(oid, value);
            }
            return;
        }
        db.call("scan block entries", r -> {
            try (RocksIterator it = r.newIterator(blocks, db.reads())) {
                for (it.seek(IndexCodec.blockKey(oid, first)); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    int block = IndexCodec.blockOf(key);
                    if (IndexCodec.oidOf(key) != oid || block >= first + out.length) {
                        break;
                    }
                    out[block - first] = IndexCodec.decodeEntry(oid, it.value());
                }
                it.status();
            }
            return null;
        });
    }

    @Override
    public void forEachObject(ObjectVisitor visitor) throws StoreException {
        db.call("scan object records", r -> {
            try (RocksIterator it = r.newIterator(objects, db.reads())) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    long oid = IndexCodec.oidOf(it.key());
                    visitor.visit(oid, IndexCodec.decodeMeta(oid, it.value()));
                }
                it.status();
            }
            return null;
        });
    }

    @Override
    public void forEachDirty(LongConsumer consumer) throws StoreException {
        db.call("scan dirty objects", r -> {
            try (RocksIterator it = r.newIterator(dirty, db.reads())) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    consumer.accept(IndexCodec.oidOf(it.key()));
                }
                it.status();
            }
            return null;
        });
    }

    @Override
    public void apply(IndexBatch batch) throws StoreException {
        if (batch.isEmpty()) {
            return;
        }
        db.call("write index batch", r -> {
            try (WriteBatch wb = new WriteBatch()) {
                for (IndexBatch.Op op : batch.ops()) {
                    add(wb, op);
                }
                r.write(db.asyncWrites(), wb);
            }
            return null;
        });
    }

    @Override
    public void syncWal() throws StoreException {
        db.call("sync write-ahead log", r -> {
            r.syncWal();
            return null;
        });
    }

    private void add(WriteBatch wb, IndexBatch.Op op) throws RocksDBException {
        if (op instanceof IndexBatch.PutMeta p) {
            wb.put(objects, IndexCodec.objectKey(p.oid()), IndexCodec.encode(p.meta()));
        } else if (op instanceof IndexBatch.DeleteMeta d) {
            wb.delete(objects, IndexCodec.objectKey(d.oid()));
        } else if (op instanceof IndexBatch.PutBlock p) {
            wb.put(blocks, IndexCodec.blockKey(p.oid(), p.block()), IndexCodec.encode(p.entry()));
        } else if (op instanceof IndexBatch.DeleteBlock d) {
            wb.delete(blocks, IndexCodec.blockKey(d.oid(), d.block()));
        } else if (op instanceof IndexBatch.MarkDirty m) {
            wb.put(dirty, IndexCodec.objectKey(m.oid()), new byte[0]);
        } else if (op instanceof IndexBatch.ClearDirty c) {
            wb.delete(dirty, IndexCodec.objectKey(c.oid()));
        } else {
            throw new IllegalStateException("unknown index operation " + op);
        }
    }
}
