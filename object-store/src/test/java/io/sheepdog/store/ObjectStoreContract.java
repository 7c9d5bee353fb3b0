package io.sheepdog.store;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The semantics every {@link ObjectStore} shares, run against each implementation. Each test starts with an empty
 * store from {@link #store()}.
 */
public abstract class ObjectStoreContract {
    protected static final long OID = ObjectId.data(7, 3);
    protected static final long EPOCH = 1;

    protected abstract ObjectStore store();

    @Test
    void missingObjectReadsAsZeroesAndHasNoInfo() throws Exception {
        assertThat(TestBytes.read(store(), OID, 0, OBJECT_SIZE)).isEqualTo(new byte[OBJECT_SIZE]);
        assertThat(store().stat(OID)).isEmpty();
        assertThat(store().allocation(OID).isEmpty()).isTrue();
    }

    @Test
    void unalignedWriteAcrossBlockBoundariesReadsBack() throws Exception {
        byte[] data = TestBytes.random(1, 10_000);
        ObjectInfo info = store().write(OID, 4000, ByteBuffer.wrap(data), EPOCH, false);

        byte[] expected = new byte[5 * BLOCK_SIZE];
        System.arraycopy(data, 0, expected, 4000, data.length);
        assertThat(TestBytes.read(store(), OID, 0, expected.length)).isEqualTo(expected);
        assertThat(TestBytes.read(store(), OID, 4001, 17)).isEqualTo(slice(data, 1, 17));
        assertThat(store().allocation(OID)).isEqualTo(bits(0, 1, 2, 3));
        assertThat(info.allocatedBytes()).isEqualTo(4L * BLOCK_SIZE);
        assertThat(info.version()).isEqualTo(new ObjectVersion(EPOCH, 1));
    }

    @Test
    void smallWriteInsideOneBlockKeepsTheRestOfTheBlock() throws Exception {
        byte[] block = TestBytes.random(2, BLOCK_SIZE);
        store().write(OID, 5 * BLOCK_SIZE, ByteBuffer.wrap(block), EPOCH, false);
        store().write(OID, 5 * BLOCK_SIZE + 100, ByteBuffer.wrap(new byte[] {1, 2, 3}), EPOCH, false);

        block[100] = 1;
        block[101] = 2;
        block[102] = 3;
        assertThat(TestBytes.read(store(), OID, 5 * BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(block);
        assertThat(store().allocation(OID)).isEqualTo(bits(5));
    }

    @Test
    void readSpanningAllocatedAndUnallocatedBlocks() throws Exception {
        byte[] a = TestBytes.random(3, BLOCK_SIZE);
        byte[] b = TestBytes.random(4, BLOCK_SIZE);
        store().write(OID, 2L * BLOCK_SIZE, ByteBuffer.wrap(a), EPOCH, false);
        store().write(OID, 5L * BLOCK_SIZE, ByteBuffer.wrap(b), EPOCH, false);

        int from = BLOCK_SIZE + 100;
        int length = 5 * BLOCK_SIZE + 7 - 100;
        byte[] expected = new byte[length];
        System.arraycopy(a, 0, expected, 2 * BLOCK_SIZE - from, BLOCK_SIZE);
        System.arraycopy(b, 0, expected, 5 * BLOCK_SIZE - from, BLOCK_SIZE);
        assertThat(TestBytes.read(store(), OID, from, length)).isEqualTo(expected);
        assertThat(store().allocation(OID)).isEqualTo(bits(2, 5));
    }

    @Test
    void fullObjectRoundTrip() throws Exception {
        byte[] data = TestBytes.random(5, OBJECT_SIZE);
        store().write(OID, 0, ByteBuffer.wrap(data), EPOCH, true);
        assertThat(TestBytes.read(store(), OID, 0, OBJECT_SIZE)).isEqualTo(data);
        assertThat(store().stat(OID).orElseThrow().allocatedBytes()).isEqualTo(OBJECT_SIZE);
        assertThat(store().allocation(OID).cardinality()).isEqualTo(ObjectLayout.BLOCKS_PER_OBJECT);
    }

    @Test
    void partialDiscardUnallocatesCoveredBlocksAndZeroesEdges() throws Exception {
        byte[] data = TestBytes.random(6, 8 * BLOCK_SIZE);
        store().write(OID, 0, ByteBuffer.wrap(data), EPOCH, false);

        int from = BLOCK_SIZE + 10;
        int to = 5 * BLOCK_SIZE + 20;
        ObjectInfo info = store().zero(OID, from, to - from, true, EPOCH, false);

        byte[] expected = data.clone();
        java.util.Arrays.fill(expected, from, to, (byte) 0);
        assertThat(TestBytes.read(store(), OID, 0, data.length)).isEqualTo(expected);
        assertThat(store().allocation(OID)).isEqualTo(bits(0, 1, 5, 6, 7));
        assertThat(info.allocatedBytes()).isEqualTo(5L * BLOCK_SIZE);
        assertThat(info.version().sequence()).isEqualTo(2);
    }

    @Test
    void discardingEveryBlockKeepsAnEmptyObject() throws Exception {
        store().write(OID, 3 * BLOCK_SIZE, ByteBuffer.wrap(TestBytes.random(7, 2 * BLOCK_SIZE)), EPOCH, false);
        store().zero(OID, 0, OBJECT_SIZE, true, EPOCH, false);

        ObjectInfo info = store().stat(OID).orElseThrow();
        assertThat(info.allocatedBytes()).isZero();
        assertThat(info.version().sequence()).isEqualTo(2);
        assertThat(store().allocation(OID).isEmpty()).isTrue();
        assertThat(objects()).contains(OID);
        assertThat(store().stats().objectCount()).isEqualTo(1);
        assertThat(store().stats().usedBytes()).isZero();
        assertThat(TestBytes.read(store(), OID, 0, 8 * BLOCK_SIZE)).isEqualTo(new byte[8 * BLOCK_SIZE]);

        store().write(OID, 0, ByteBuffer.wrap(TestBytes.random(8, BLOCK_SIZE)), EPOCH, false);
        assertThat(store().stat(OID).orElseThrow().version().sequence()).isEqualTo(3);
        store().delete(OID);
        assertThat(store().stat(OID)).isEmpty();
    }

    @Test
    void exportThenInstallCopiesBlocksAndExactVersion() throws Exception {
        byte[] first = TestBytes.random(20, 3 * BLOCK_SIZE);
        byte[] second = TestBytes.random(21, BLOCK_SIZE);
        store().write(OID, BLOCK_SIZE, ByteBuffer.wrap(first), 4, false);
        store().write(OID, 100L * BLOCK_SIZE, ByteBuffer.wrap(second), 5, false);
        ObjectImage image = store().export(OID).orElseThrow();
        assertThat(image.version()).isEqualTo(new ObjectVersion(5, 2));
        assertThat(image.allocation()).isEqualTo(bits(1, 2, 3, 100));
        assertThat(image.allocatedBytes()).isEqualTo(4L * BLOCK_SIZE);

        long copy = ObjectId.data(7, 4);
        store().write(copy, 200L * BLOCK_SIZE, ByteBuffer.wrap(TestBytes.random(22, BLOCK_SIZE)), 9, false);
        ObjectInfo installed = store().install(new ObjectImage(copy, image.version(), image.allocation(),
                image.blocks()), true);

        assertThat(installed.version()).isEqualTo(new ObjectVersion(5, 2));
        assertThat(store().stat(copy).orElseThrow().version()).isEqualTo(new ObjectVersion(5, 2));
        assertThat(store().allocation(copy)).isEqualTo(bits(1, 2, 3, 100));
        assertThat(TestBytes.read(store(), copy, 0, OBJECT_SIZE)).isEqualTo(TestBytes.read(store(), OID, 0,
                OBJECT_SIZE));
        assertThat(store().stats().usedBytes()).isEqualTo(8L * BLOCK_SIZE);
    }

    @Test
    void installOfAnEmptyImageCreatesAnEmptyObject() throws Exception {
        store().install(new ObjectImage(OID, new ObjectVersion(3, 7), new BitSet(), ByteBuffer.allocate(0)), true);
        assertThat(store().stat(OID).orElseThrow().version()).isEqualTo(new ObjectVersion(3, 7));
        assertThat(store().allocation(OID).isEmpty()).isTrue();
        assertThat(store().export(OID).orElseThrow().blockCount()).isZero();
    }

    @Test
    void exportOfAMissingObjectIsEmpty() throws Exception {
        assertThat(store().export(OID)).isEmpty();
    }

    @Test
    void imageWithTheWrongNumberOfBytesIsRejected() {
        assertThatThrownBy(() -> new ObjectImage(OID, new ObjectVersion(1, 1), bits(0, 1), ByteBuffer.allocate(
                BLOCK_SIZE))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 allocated blocks");
    }

    @Test
    void discardOfUnallocatedEdgeLeavesItUnallocated() throws Exception {
        store().write(OID, 0, ByteBuffer.wrap(TestBytes.random(8, BLOCK_SIZE)), EPOCH, false);
        store().zero(OID, 2 * BLOCK_SIZE + 1, 10, true, EPOCH, false);
        assertThat(store().allocation(OID)).isEqualTo(bits(0));
        assertThat(store().stat(OID).orElseThrow().version().sequence()).isEqualTo(2);
    }

    @Test
    void discardOfMissingObjectCreatesNothing() throws Exception {
        store().zero(OID, 0, BLOCK_SIZE, true, EPOCH, false);
        assertThat(store().stat(OID)).isEmpty();
    }

    @Test
    void zeroWithoutDiscardAllocatesZeroes() throws Exception {
        store().write(OID, 0, ByteBuffer.wrap(TestBytes.random(9, 2 * BLOCK_SIZE)), EPOCH, false);
        ObjectInfo info = store().zero(OID, 100, 3 * BLOCK_SIZE + 5, false, EPOCH, false);

        byte[] expected = TestBytes.random(9, 2 * BLOCK_SIZE);
        byte[] all = new byte[5 * BLOCK_SIZE];
        System.arraycopy(expected, 0, all, 0, 100);
        assertThat(TestBytes.read(store(), OID, 0, all.length)).isEqualTo(all);
        assertThat(store().allocation(OID)).isEqualTo(bits(0, 1, 2, 3));
        assertThat(info.allocatedBytes()).isEqualTo(4L * BLOCK_SIZE);
    }

    @Test
    void zeroWithoutDiscardCreatesAnAllocatedObject() throws Exception {
        store().zero(OID, 0, 2 * BLOCK_SIZE, false, EPOCH, false);
        assertThat(store().stat(OID).orElseThrow().allocatedBytes()).isEqualTo(2L * BLOCK_SIZE);
        assertThat(TestBytes.read(store(), OID, 0, 2 * BLOCK_SIZE)).isEqualTo(new byte[2 * BLOCK_SIZE]);
    }

    @Test
    void everyChangeIncrementsTheVersionAndKeepsTheHighestEpoch() throws Exception {
        ByteBuffer one = ByteBuffer.wrap(new byte[] {1});
        assertThat(store().write(OID, 0, one.duplicate(), 3, false).version()).isEqualTo(new ObjectVersion(3, 1));
        assertThat(store().write(OID, 1, one.duplicate(), 3, false).version()).isEqualTo(new ObjectVersion(3, 2));
        assertThat(store().write(OID, 2, one.duplicate(), 2, false).version()).isEqualTo(new ObjectVersion(3, 3));
        assertThat(store().zero(OID, 0, 1, false, 5, false).version()).isEqualTo(new ObjectVersion(5, 4));
        assertThat(store().zero(OID, 9000, 1, true, 5, false).version()).isEqualTo(new ObjectVersion(5, 5));
        assertThat(store().stat(OID).orElseThrow().version()).isEqualTo(new ObjectVersion(5, 5));
    }

    @Test
    void forEachObjectAndDelete() throws Exception {
        long inode = ObjectId.inode(7);
        long other = ObjectId.data(8, 0);
        for (long oid : new long[] {OID, inode, other}) {
            store().write(oid, 0, ByteBuffer.wrap(TestBytes.random(oid, 100)), EPOCH, false);
        }
        assertThat(objects()).containsExactlyInAnyOrder(OID, inode, other);

        store().delete(inode);
        store().delete(inode);
        store().delete(ObjectId.data(99, 9));
        assertThat(objects()).containsExactlyInAnyOrder(OID, other);
        assertThat(store().stat(inode)).isEmpty();
        assertThat(TestBytes.read(store(), inode, 0, 100)).isEqualTo(new byte[100]);

        // A deleted object starts over.
        assertThat(store().write(inode, 0, ByteBuffer.wrap(new byte[] {1}), EPOCH, false).version().sequence())
                .isEqualTo(1);
    }

    @Test
    void statsCountAllocatedBlocksAndObjects() throws Exception {
        store().write(OID, 0, ByteBuffer.wrap(new byte[3 * BLOCK_SIZE]), EPOCH, false);
        store().write(ObjectId.data(1, 1), 10, ByteBuffer.wrap(new byte[1]), EPOCH, false);
        StoreStats stats = store().stats();
        assertThat(stats.usedBytes()).isEqualTo(4L * BLOCK_SIZE);
        assertThat(stats.objectCount()).isEqualTo(2);
        assertThat(stats.capacityBytes()).isPositive();
        assertThat(stats.freeBytes()).isPositive();

        store().delete(OID);
        assertThat(store().stats().usedBytes()).isEqualTo(BLOCK_SIZE);
        assertThat(store().stats().objectCount()).isEqualTo(1);
    }

    @Test
    void writeConsumesTheSourceAndReadFillsTheDestination() throws Exception {
        ByteBuffer src = ByteBuffer.wrap(TestBytes.random(10, 300));
        src.position(100);
        store().write(OID, 50, src, EPOCH, false);
        assertThat(src.hasRemaining()).isFalse();

        ByteBuffer dst = ByteBuffer.allocate(250);
        dst.position(50);
        store().read(OID, 50, dst);
        assertThat(dst.hasRemaining()).isFalse();
        assertThat(slice(dst.array(), 50, 200)).isEqualTo(slice(TestBytes.random(10, 300), 100, 200));
    }

    @Test
    void directBuffersWork() throws Exception {
        byte[] data = TestBytes.random(11, 2 * BLOCK_SIZE);
        ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
        store().write(OID, BLOCK_SIZE, src, EPOCH, false);
        ByteBuffer dst = ByteBuffer.allocateDirect(data.length);
        store().read(OID, BLOCK_SIZE, dst);
        byte[] back = new byte[data.length];
        dst.flip().get(back);
        assertThat(back).isEqualTo(data);
    }

    @Test
    void rangesOutsideTheObjectAreRejected() {
        assertThatThrownBy(() -> store().read(OID, OBJECT_SIZE - 1, ByteBuffer.allocate(2)))
                .isInstanceOf(StoreException.class).hasMessageContaining(ObjectId.toString(OID));
        assertThatThrownBy(() -> store().write(OID, -1, ByteBuffer.allocate(1), EPOCH, false))
                .isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store().zero(OID, 0, OBJECT_SIZE + 1L, true, EPOCH, false))
                .isInstanceOf(StoreException.class);
    }

    @Test
    void writeIfAbsentCreatesOnlyAMissingObject() throws Exception {
        byte[] base = TestBytes.random(11, 2 * BLOCK_SIZE);
        assertThat(store().writeIfAbsent(OID, 0, ByteBuffer.wrap(base), EPOCH, false)).isPresent();
        assertThat(TestBytes.read(store(), OID, 0, base.length)).isEqualTo(base);

        byte[] other = TestBytes.random(12, 2 * BLOCK_SIZE);
        long version = store().stat(OID).orElseThrow().version().sequence();
        assertThat(store().writeIfAbsent(OID, 0, ByteBuffer.wrap(other), EPOCH, false)).isEmpty();
        assertThat(TestBytes.read(store(), OID, 0, base.length)).isEqualTo(base);
        assertThat(store().stat(OID).orElseThrow().version().sequence()).isEqualTo(version);
    }

    /**
     * Two gateways copying one shared object: each copies (writeIfAbsent of the same base), then writes its own
     * range. Whatever the interleaving, no write that followed a copy is overwritten by the other copy.
     */
    @Test
    void racingCopiesNeverOverwriteAWriteThatFollowedOne() throws Exception {
        byte[] base = TestBytes.random(21, 4 * BLOCK_SIZE);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                long oid = ObjectId.data(77, round);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    int block = w;
                    writers.add(pool.submit(() -> {
                        store().writeIfAbsent(oid, 0, ByteBuffer.wrap(base), EPOCH, false);
                        byte[] mine = new byte[BLOCK_SIZE];
                        java.util.Arrays.fill(mine, (byte) (block + 1));
                        store().write(oid, (long) block * BLOCK_SIZE, ByteBuffer.wrap(mine), EPOCH, false);
                        return null;
                    }));
                }
                for (Future<?> f : writers) {
                    f.get(30, TimeUnit.SECONDS);
                }
                byte[] seen = TestBytes.read(store(), oid, 0, base.length);
                for (int w = 0; w < 2; w++) {
                    assertThat(slice(seen, w * BLOCK_SIZE, BLOCK_SIZE)).as("round %d, writer %d", round, w)
                            .containsOnly((byte) (w + 1));
                }
                assertThat(slice(seen, 2 * BLOCK_SIZE, 2 * BLOCK_SIZE))
                        .isEqualTo(slice(base, 2 * BLOCK_SIZE, 2 * BLOCK_SIZE));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readersOfAnObjectNeverSeeHalfAWrite() throws Exception {
        int blocks = 16;
        store().write(OID, 0, ByteBuffer.wrap(new byte[blocks * BLOCK_SIZE]), EPOCH, false);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 1; i <= 60; i++) {
                    byte[] fill = new byte[blocks * BLOCK_SIZE];
                    java.util.Arrays.fill(fill, (byte) i);
                    store().write(OID, 0, ByteBuffer.wrap(fill), EPOCH, false);
                    // Another object in parallel, through another lock stripe.
                    store().write(ObjectId.data(9, i), 0, ByteBuffer.wrap(fill, 0, BLOCK_SIZE), EPOCH, false);
                }
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    while (!writer.isDone()) {
                        byte[] seen = TestBytes.read(store(), OID, 0, blocks * BLOCK_SIZE);
                        for (byte b : seen) {
                            if (b != seen[0]) {
                                throw new AssertionError("read saw two writes at once");
                            }
                        }
                    }
                    return null;
                }));
            }
            writer.get(60, TimeUnit.SECONDS);
            for (Future<?> r : readers) {
                r.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().stat(OID).orElseThrow().version().sequence()).isEqualTo(61);
        assertThat(store().stats().objectCount()).isEqualTo(61);
    }

    protected Set<Long> objects() throws StoreException {
        Set<Long> seen = new HashSet<>();
        store().forEachObject(seen::add);
        return seen;
    }

    protected static BitSet bits(int... blocks) {
        BitSet b = new BitSet();
        for (int i : blocks) {
            b.set(i);
        }
        return b;
    }

    protected static byte[] slice(byte[] data, int from, int length) {
        return java.util.Arrays.copyOfRange(data, from, from + length);
    }
}
