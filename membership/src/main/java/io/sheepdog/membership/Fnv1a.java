package io.sheepdog.membership;

/**
 * 64-bit FNV-1a, the hash Sheepdog uses for VDI ids ({@code sd_hash_vdi}) and node ids. Stable across versions:
 * ids derived from it are persisted.
 */
public final class Fnv1a {
    /** FNV-1a 64-bit offset basis. */
    public static final long INIT = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private Fnv1a() {
    }

    /** Hash of {@code bytes}, continuing from {@code hash} (start with {@link #INIT}). */
    public static long hash(byte[] bytes, long hash) {
        long h = hash;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= PRIME;
        }
        return h;
    }

    /** Hash of {@code bytes} from {@link #INIT}. */
    public static long hash(byte[] bytes) {
        return hash(bytes, INIT);
    }

    /** Hash of the eight little-endian bytes of {@code value}, continuing from {@code hash}. */
    public static long hashLong(long value, long hash) {
        long h = hash;
        for (int i = 0; i < Long.BYTES; i++) {
            h ^= (value >>> (8 * i)) & 0xff;
            h *= PRIME;
        }
        return h;
    }
}
