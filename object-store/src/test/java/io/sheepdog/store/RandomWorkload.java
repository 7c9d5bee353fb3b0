package io.sheepdog.store;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random writes, zero-fills, discards, deletes, flushes and reopens against an {@link ObjectOracle}, checking
 * every read, and everything at the end. Deterministic for a seed.
 */
public final class RandomWorkload {
    /** Gives the store to continue with after closing and reopening the current one. */
    @FunctionalInterface
    public interface Reopener {
        ObjectStore reopen() throws StoreException;
    }

    private static final long[] OIDS = {ObjectId.data(1, 0), ObjectId.data(1, 1), ObjectId.data(2, 0),
        ObjectId.inode(1)};
    /** Most operations stay in the first blocks so that they overlap. */
    private static final int HOT_BYTES = 48 * BLOCK_SIZE;

    private final long seed;
    private final SplittableRandom random;
    private final ObjectOracle oracle = new ObjectOracle();
    private ObjectStore store;
    private int op;

    public RandomWorkload(long seed, ObjectStore store) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.store = store;
    }

    /** Runs {@code ops} random operations, reopening at {@code reopenAt} and after about every 150 operations. */
    public ObjectStore run(int ops, int reopenAt, Reopener reopener) throws StoreException {
        for (op = 0; op < ops; op++) {
            if (op == reopenAt || random.nextInt(150) == 0) {
                store = reopener.reopen();
                continue;
            }
            step();
        }
        checkAll();
        store = reopener.reopen();
        checkAll();
        return store;
    }

    private void step() throws StoreException {
        long oid = OIDS[random.nextInt(OIDS.length)];
        int dice = random.nextInt(100);
        long epoch = 1 + op / 100;
        long[] range = randomRange();
        long offset = range[0];
        int length = (int) range[1];
        if (dice < 40) {
            byte[] data = TestBytes.random(random.nextLong(), length);
            ObjectInfo info = store.write(oid, offset, ByteBuffer.wrap(data), epoch, random.nextInt(10) == 0);
            oracle.write(oid, offset, data, epoch);
            assertThat(info.version()).as(context("write version")).isEqualTo(oracle.version(oid).orElseThrow());
        } else if (dice < 55) {
            boolean discard = random.nextBoolean();
            store.zero(oid, offset, length, discard, epoch, false);
            oracle.zero(oid, offset, length, discard, epoch);
        } else if (dice < 90) {
            SameBytes.assertSameBytes(TestBytes.read(store, oid, offset, length), oracle.read(oid, offset, length),
                    context("read " + offset + "+" + length));
        } else if (dice < 93) {
            store.delete(oid);
            oracle.delete(oid);
        } else if (dice < 96) {
            store.flush();
        } else {
            assertThat(store.allocation(oid)).as(context("allocation")).isEqualTo(oracle.allocation(oid));
            assertThat(store.stat(oid).map(ObjectInfo::version)).as(context("version"))
                    .isEqualTo(oracle.version(oid));
        }
    }

    private long[] randomRange() {
        int kind = random.nextInt(10);
        if (kind < 5) { // small and unaligned, often across a block boundary
            long offset = random.nextInt(HOT_BYTES);
            return new long[] {offset, 1 + random.nextInt((int) Math.min(3 * BLOCK_SIZE, OBJECT_SIZE - offset))};
        }
        if (kind < 8) { // whole blocks
            int first = random.nextInt(HOT_BYTES / BLOCK_SIZE);
            return new long[] {(long) first * BLOCK_SIZE, (long) (1 + random.nextInt(8)) * BLOCK_SIZE};
        }
        long offset = random.nextInt(OBJECT_SIZE); // anywhere, up to 512 KiB
        return new long[] {offset, 1 + random.nextInt((int) Math.min(512 << 10, OBJECT_SIZE - offset))};
    }

    private void checkAll() throws StoreException {
        Set<Long> stored = new HashSet<>();
        store.forEachObject(stored::add);
        assertThat(stored).as(context("objects")).isEqualTo(oracle.oids());
        for (long oid : OIDS) {
            SameBytes.assertSameBytes(TestBytes.read(store, oid, 0, OBJECT_SIZE), oracle.read(oid, 0, OBJECT_SIZE),
                    context("object " + ObjectId.toString(oid)));
            assertThat(store.allocation(oid)).as(context("allocation")).isEqualTo(oracle.allocation(oid));
            assertThat(store.stat(oid).map(ObjectInfo::version)).as(context("version"))
                    .isEqualTo(oracle.version(oid));
        }
        assertThat(store.stats().usedBytes()).as(context("used bytes")).isEqualTo(oracle.usedBytes());
        assertThat(store.stats().objectCount()).as(context("object count")).isEqualTo(oracle.oids().size());
    }

    private String context(String what) {
        return what + " (seed " + seed + ", operation " + op + ")";
    }
}
