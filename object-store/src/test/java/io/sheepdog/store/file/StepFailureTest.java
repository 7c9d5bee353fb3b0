package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.TestBytes;
import io.sheepdog.store.rocksdb.RocksDatabase;
import io.sheepdog.store.rocksdb.RocksObjectIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write failing between its steps leaves what was stored before readable. */
class StepFailureTest {
    private static final long OID = ObjectId.data(5, 5);
    private static final byte[] OLD = TestBytes.random(1, 2 * BLOCK_SIZE);

    @TempDir
    Path dir;
    private RocksDatabase db;
    private FailingIndex index;
    private FileObjectStore store;

    @BeforeEach
    void open() throws Exception {
        openStore(true);
        store.write(OID, 0, ByteBuffer.wrap(OLD), 1, false);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        db.close();
    }

    @Test
    void failureAfterTheIndexBatchKeepsOldDataVersionAndAllocation() throws Exception {
        ObjectInfo before = store.stat(OID).orElseThrow();
        BitSet allocation = store.allocation(OID);
        store.stepHook(failAt(StepHook.Step.INDEX_APPLIED));

        // Overwrites block 1 partly, allocates blocks 2 to 4.
        ByteBuffer data = ByteBuffer.wrap(TestBytes.random(2, 3 * BLOCK_SIZE));
        assertThatThrownBy(() -> store.write(OID, BLOCK_SIZE + 100, data, 2, false))
                .isInstanceOf(StoreException.class).hasMessageContaining("injected");

        store.stepHook(StepHook.NONE);
        assertOldState(before, allocation);
        store.flush();
        reopen();
        assertOldState(before, allocation);
    }

    @Test
    void failedFirstWriteLeavesNoObject() throws Exception {
        long fresh = ObjectId.data(5, 6);
        store.stepHook(failAt(StepHook.Step.INDEX_APPLIED));
        assertThatThrownBy(() -> store.write(fresh, 0, ByteBuffer.wrap(new byte[10]), 1, false))
                .isInstanceOf(StoreException.class);
        assertThat(store.stat(fresh)).isEmpty();
        assertThat(store.stats().objectCount()).isEqualTo(1);
        assertThat(store.stats().usedBytes()).isEqualTo(2L * BLOCK_SIZE);
    }

    @Test
    void failureAfterTheDataLandedKeepsTheNewDataReadable() throws Exception {
        byte[] fresh = TestBytes.random(3, BLOCK_SIZE);
        store.stepHook(failAt(StepHook.Step.DATA_WRITTEN));
        assertThatThrownBy(() -> store.write(OID, 0, ByteBuffer.wrap(fresh), 2, false))
                .isInstanceOf(StoreException.class);
        assertThat(TestBytes.read(store, OID, 0, BLOCK_SIZE)).isEqualTo(fresh);
        assertThat(store.stat(OID).orElseThrow().version().sequence()).isEqualTo(2);
    }

    @Test
    void whenTheRollBackFailsTooReadsFallBackAndTheNextFlushSettles() throws Exception {
        ObjectInfo before = store.stat(OID).orElseThrow();
        store.stepHook((step, oid) -> {
            if (step == StepHook.Step.INDEX_APPLIED) {
                index.failNextApply.set(true);
                throw new IOException("injected failure");
            }
        });
        assertThatThrownBy(() -> store.write(OID, 100, ByteBuffer.wrap(TestBytes.random(4, 3 * BLOCK_SIZE)), 2,
                false)).isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).isNotEmpty());
        store.stepHook(StepHook.NONE);

        // The index is ahead of the file: the old bytes are served, the new block 2 reads as zeroes.
        assertThat(TestBytes.read(store, OID, 0, OLD.length)).isEqualTo(OLD);
        assertThat(TestBytes.read(store, OID, 2 * BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(new byte[BLOCK_SIZE]);
        assertThat(store.stat(OID).orElseThrow().version()).isGreaterThan(before.version());

        store.flush();
        assertThat(store.allocation(OID)).isEqualTo(BitSet.valueOf(new long[] {0b11}));
        assertThat(TestBytes.read(store, OID, 0, OLD.length)).isEqualTo(OLD);
        reopen();
        assertThat(TestBytes.read(store, OID, 0, 3 * BLOCK_SIZE)).startsWith(OLD);
        assertThat(store.stats().usedBytes()).isEqualTo(2L * BLOCK_SIZE);
    }

    private void assertOldState(ObjectInfo before, BitSet allocation) throws StoreException {
        assertThat(TestBytes.read(store, OID, 0, 5 * BLOCK_SIZE)).startsWith(OLD)
                .endsWith(new byte[3 * BLOCK_SIZE]);
        assertThat(store.stat(OID)).contains(before);
        assertThat(store.allocation(OID)).isEqualTo(allocation);
        assertThat(store.stats().usedBytes()).isEqualTo(before.allocatedBytes());
    }

    private static StepHook failAt(StepHook.Step at) {
        return (step, oid) -> {
            if (step == at) {
                throw new IOException("injected failure at " + step);
            }
        };
    }

    private void openStore(boolean create) throws StoreException {
        db = RocksDatabase.open(dir.resolve("meta"), create);
        index = new FailingIndex(new RocksObjectIndex(db));
        store = FileObjectStore.open(dir.resolve("obj"), index, create, 16, 0);
    }

    private void reopen() throws StoreException {
        store.close();
        db.close();
        openStore(false);
    }

    /** An index whose next {@link #apply} can be made to fail. */
    private static final class FailingIndex implements ObjectIndex {
        final AtomicBoolean failNextApply = new AtomicBoolean();
        private final ObjectIndex delegate;

        FailingIndex(ObjectIndex delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<ObjectMeta> meta(long oid) throws StoreException {
            return delegate.meta(oid);
        }

        @Override
        public void blocks(long oid, int first, BlockEntry[] out) throws StoreException {
            delegate.blocks(oid, first, out);
        }

        @Override
        public void forEachObject(ObjectVisitor visitor) throws StoreException {
            delegate.forEachObject(visitor);
        }

        @Override
        public void forEachDirty(LongConsumer consumer) throws StoreException {
            delegate.forEachDirty(consumer);
        }

        @Override
        public void apply(IndexBatch batch) throws StoreException {
            if (failNextApply.getAndSet(false)) {
                throw new StoreException("injected index failure");
            }
            delegate.apply(batch);
        }

        @Override
        public void syncWal() throws StoreException {
            delegate.syncWal();
        }
    }
}
