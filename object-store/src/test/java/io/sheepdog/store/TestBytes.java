package io.sheepdog.store;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Deterministic test data. */
public final class TestBytes {
    private TestBytes() {
    }

    /** {@code length} pseudo-random bytes determined by {@code seed}. */
    public static byte[] random(long seed, int length) {
        byte[] b = new byte[length];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** Reads {@code length} bytes at {@code offset}. */
    public static byte[] read(ObjectStore store, long oid, long offset, int length) throws StoreException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        store.read(oid, offset, dst);
        return dst.array();
    }
}
