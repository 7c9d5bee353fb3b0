package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectOracle;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.TestBytes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The data of the crash tests, computed identically in the child that writes it and the parent that checks it.
 *
 * <ul>
 *   <li>Phase 1 (flushed): random unaligned writes, zero-fills and discards in blocks 0-31 of the
 *       {@link #FLUSHED} objects, modelled by an {@link ObjectOracle}.</li>
 *   <li>Phase 2 (never flushed): whole-block "stamps" (self-describing blocks) over blocks 0-63 of the same
 *       objects, and unaligned writes and discards in the {@link #SCRATCH} objects.</li>
 * </ul>
 *
 * After a crash, every block of a flushed object must hold its phase 1 content or a valid stamp for that very
 * block; nothing may throw.
 */
final class CrashWorkload {
    static final long[] FLUSHED = {ObjectId.data(3, 0), ObjectId.data(3, 1), ObjectId.data(3, 2), ObjectId.inode(3)};
    static final long[] SCRATCH = {ObjectId.data(4, 0), ObjectId.data(4, 1), ObjectId.data(4, 2)};
    static final int PHASE1_BLOCKS = 32;
    static final int CHECKED_BLOCKS = 64;
    private static final long MAGIC = 0x5348454550535450L;

    private CrashWorkload() {
    }

    /** One phase 1 operation. */
    record Op(long oid, long offset, int length, long dataSeed, int kind) {
        static final int WRITE = 0;
        static final int ZERO = 1;
        static final int DISCARD = 2;

        void applyTo(ObjectStore store) throws StoreException {
            if (kind == WRITE) {
                store.write(oid, offset, ByteBuffer.wrap(TestBytes.random(dataSeed, length)), 1, false);
            } else {
                store.zero(oid, offset, length, kind == DISCARD, 1, false);
            }
        }

        void applyTo(ObjectOracle oracle) {
            if (kind == WRITE) {
                oracle.write(oid, offset, TestBytes.random(dataSeed, length), 1);
            } else {
                oracle.zero(oid, offset, length, kind == DISCARD, 1);
            }
        }
    }

    static List<Op> phase1(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Op> ops = new ArrayList<>();
        for (long oid : FLUSHED) {
            ops.add(new Op(oid, 0, PHASE1_BLOCKS * BLOCK_SIZE, r.nextLong(), Op.WRITE));
            for (int i = 0; i < 12; i++) {
                long offset = r.nextInt(PHASE1_BLOCKS * BLOCK_SIZE - 1);
                int length = 1 + r.nextInt((int) Math.min(3 * BLOCK_SIZE, PHASE1_BLOCKS * BLOCK_SIZE - offset));
                int dice = r.nextInt(10);
                int kind = dice < 7 ? Op.WRITE : dice < 9 ? Op.DISCARD : Op.ZERO;
                ops.add(new Op(oid, offset, length, r.nextLong(), kind));
            }
        }
        return ops;
    }

    static ObjectOracle expected(long seed) {
        ObjectOracle oracle = new ObjectOracle();
        for (Op op : phase1(seed)) {
            op.applyTo(oracle);
        }
        return oracle;
    }

    /** A self-describing block: magic, oid, block, iteration, then bytes derived from them. */
    static byte[] stamp(long oid, int block, long iteration) {
        byte[] b = TestBytes.random(oid * 31 + block * 1_000_003L + iteration, BLOCK_SIZE);
        ByteBuffer.wrap(b).putLong(MAGIC).putLong(oid).putInt(block).putLong(iteration);
        return b;
    }

    static boolean isStamp(byte[] content, long oid, int block) {
        ByteBuffer h = ByteBuffer.wrap(content);
        if (h.getLong() != MAGIC || h.getLong() != oid || h.getInt() != block) {
            return false;
        }
        return Arrays.equals(content, stamp(oid, block, h.getLong()));
    }
}
