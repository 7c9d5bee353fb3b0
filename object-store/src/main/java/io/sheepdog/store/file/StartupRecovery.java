package io.sheepdog.store.file;


import io.sheepdog.store.ObjectId;
import java.io.IOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store back to a consistent state when it opens, whether or not the last run ended cleanly:
 *
 * <ol>
 *   <li>every object marked dirty in the index (written since its last fsync) is settled on its data file and
 *       fsynced ({@link ObjectSync});</li>
 *   <li>data files without an object record (a crash between deleting the record and unlinking the file) are
 *       removed;</li>
 *   <li>the space totals are recomputed.</li>
 * </ol>
 */
final class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

    private final ObjectIndex index;
    private final DataFiles files;
    private final Durability durability;
    private final ObjectSync sync;
    private final SpaceAccounting space;

    StartupRecovery(ObjectIndex index, DataFiles files, Durability durability, ObjectSync sync,
            SpaceAccounting space) {
        this.index = index;
        this.files = files;
        this.durability = durability;
        this.sync = sync;
        this.space = space;
    }

    void run() throws IOException {
        LongList dirtyList = new LongList();
        index.forEachDirty(dirtyList::add);
        long[] dirty = dirtyList.toArray();
        for (long oid : dirty) {
            // Treat the file as new as well: its directory entry may not be durable either.
            durability.written(oid, index.meta(oid).map(ObjectMeta::generation).orElse(0L), 0, true);
            durability.unsettled(oid);
            sync.syncObject(oid);
        }
        if (dirty.length > 0) {
            index.syncWal();
            LOG.info("settled {} objects written since their last flush before the store was closed", dirty.length);
        }
        LongList known = new LongList();
        long[] totalBlocks = new long[1];
        index.forEachObject((oid, meta) -> {
            known.add(oid);
            totalBlocks[0] += meta.allocatedBlocks();
        });
        long[] sorted = known.toArray();
        Arrays.sort(sorted);
        space.reset(totalBlocks[0], sorted.length);
        LongList orphans = new LongList();
        files.forEachFile(oid -> {
            if (Arrays.binarySearch(sorted, oid) < 0) {
                orphans.add(oid);
            }
        });
        for (long oid : orphans.toArray()) {
            LOG.info("removing data file of deleted object {}", ObjectId.toString(oid));
            files.delete(oid);
        }
    }

    /** A growable list of primitive longs. */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
