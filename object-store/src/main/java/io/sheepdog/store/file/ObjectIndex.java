package io.sheepdog.store.file;

import io.sheepdog.store.StoreException;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The metadata half of the file-per-object store: object records ({@link ObjectMeta}), per-block checksums
 * ({@link BlockEntry}) and the set of objects with writes not yet fsynced. Implemented over RocksDB in
 * {@code io.sheepdog.store.rocksdb}, so that this package never touches {@code org.rocksdb}.
 *
 * <p>Durability contract: {@link #apply} is atomic and, once it returns, survives the death of the process (it is in
 * the write-ahead log) but not a power loss; {@link #syncWal()} makes every batch applied before the call survive
 * power loss too. After a crash the index holds a prefix of the applied batches. Thread-safe.
 */
public interface ObjectIndex {

    Optional<ObjectMeta> meta(long oid) throws StoreException;

    /**
     * Fills {@code out[i]} with the entry of block {@code first + i} for {@code i < out.length}, or null if that
     * block is not allocated.
     */
    void blocks(long oid, int first, BlockEntry[] out) throws StoreException;

    /** Calls {@code visitor} for every object record, in ascending unsigned oid order. */
    void forEachObject(ObjectVisitor visitor) throws StoreException;

    /** Calls {@code consumer} with every object marked dirty. */
    void forEachDirty(LongConsumer consumer) throws StoreException;

    /** Applies the batch atomically; durable against a process crash, not against a power loss. */
    void apply(IndexBatch batch) throws StoreException;

    /** Makes every batch applied so far survive a power loss. */
    void syncWal() throws StoreException;

    /** Receives object records from {@link #forEachObject}. */
    @FunctionalInterface
    interface ObjectVisitor {
        void visit(long oid, ObjectMeta meta) throws StoreException;
    }
}
