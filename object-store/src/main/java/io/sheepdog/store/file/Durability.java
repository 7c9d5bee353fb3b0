package io.sheepdog.store.file;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What is not durable yet: the objects written since their data file was last fsynced, and how far the index's
 * write-ahead log was synced. Mutations of an object's state happen under that object's lock; the counters are
 * global and lock-free.
 */
final class Durability {
    private final ConcurrentHashMap<Long, Dirty> dirty = new ConcurrentHashMap<>();
    /** Sequence number of the last index batch applied. */
    private final AtomicLong applied = new AtomicLong();
    /** Every batch up to this sequence number is in the synced write-ahead log. */
    private final AtomicLong walSynced = new AtomicLong();

    /**
     * An object with writes not yet fsynced.
     *
     * @param generation the object's {@link ObjectMeta#generation} while these writes happened
     * @param lastBatch  sequence number of the object's last index batch
     * @param newFile    the data file was created since the last fsync: its directory must be fsynced too
     * @param unsettled  the index may be ahead of the data file (a crash, or a failed write whose roll-back
     *                   failed): reads accept fall-backs, and the object is settled before it is fsynced
     */
    record Dirty(long generation, long lastBatch, boolean newFile, boolean unsettled) {
    }

    /** Records that an index batch was applied and returns its sequence number. */
    long batchApplied() {
        return applied.incrementAndGet();
    }

    /** Syncs the index's write-ahead log, recording up to which batch it is durable. */
    void syncWal(ObjectIndex index) throws io.sheepdog.store.StoreException {
        long upTo = applied.get();
        if (walSynced.get() >= upTo) {
            return; // nothing applied since the last sync: spare the fsync
        }
        index.syncWal();
        walSynced.accumulateAndGet(upTo, Math::max);
    }

    boolean walSyncedThrough(long batch) {
        return walSynced.get() >= batch;
    }

    /** Records a data write to {@code oid} in {@code generation} whose index batch had sequence {@code batch}. */
    void written(long oid, long generation, long batch, boolean newFile) {
        dirty.merge(oid, new Dirty(generation, batch, newFile, false),
                (old, now) -> new Dirty(generation, batch, old.newFile || newFile, old.unsettled));
    }

    /** Records that the index of dirty object {@code oid} may be ahead of its data file. */
    void unsettled(long oid) {
        dirty.computeIfPresent(oid, (k, d) -> new Dirty(d.generation, d.lastBatch, d.newFile, true));
    }

    /** Records that the index of {@code oid} agrees with its data file again. */
    void settled(long oid) {
        dirty.computeIfPresent(oid, (k, d) -> new Dirty(d.generation, d.lastBatch, d.newFile, false));
    }

    boolean isDirty(long oid) {
        return dirty.containsKey(oid);
    }

    /** The pending writes of {@code oid}, null if it has none. */
    Dirty get(long oid) {
        return dirty.get(oid);
    }

    /**
     * True if a block written in {@code generation} may hold one of its fall-back contents: the object is
     * unsettled and the block was written since the object's last fsync.
     */
    boolean acceptsFallback(long oid, long generation) {
        Dirty d = dirty.get(oid);
        return d != null && d.unsettled && d.generation == generation;
    }

    void clean(long oid) {
        dirty.remove(oid);
    }

    /** A snapshot of the dirty objects. */
    Set<Long> dirtyObjects() {
        return Set.copyOf(dirty.keySet());
    }
}
