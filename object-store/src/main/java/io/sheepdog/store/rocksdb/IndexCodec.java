package io.sheepdog.store.rocksdb;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.file.BlockEntry;
import io.sheepdog.store.file.ObjectMeta;
import java.nio.ByteBuffer;

/**
 * Byte layouts of the object index in RocksDB. Keys are big-endian so that the bytewise comparator orders them
 * by unsigned oid, then block. Values start with a layout byte so that they can evolve.
 *
 * <pre>
 * objects: oid(8)            -> 1, epoch(8), sequence(8), allocatedBlocks(4), generation(8)
 * blocks:  oid(8) block(4)   -> 1, crc(4), previous(4), stable(4), flags(1), generation(8)
 *                               flags: bit 0 previous unallocated, bit 1 stable unallocated
 * dirty:   oid(8)            -> (empty)
 * </pre>
 */
final class IndexCodec {
    private static final byte LAYOUT = 1;
    private static final int META_SIZE = 1 + 8 + 8 + 4 + 8;
    private static final int ENTRY_SIZE = 1 + 4 + 4 + 4 + 1 + 8;
    private static final int PREVIOUS_UNALLOCATED = 1;
    private static final int STABLE_UNALLOCATED = 2;

    private IndexCodec() {
    }

    static byte[] objectKey(long oid) {
        return ByteBuffer.allocate(8).putLong(oid).array();
    }

    static long oidOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong(0);
    }

    static byte[] blockKey(long oid, int block) {
        return ByteBuffer.allocate(12).putLong(oid).putInt(block).array();
    }

    static int blockOf(byte[] key) {
        return ByteBuffer.wrap(key).getInt(8);
    }

    static byte[] encode(ObjectMeta meta) {
        return ByteBuffer.allocate(META_SIZE).put(LAYOUT).putLong(meta.version().epoch())
                .putLong(meta.version().sequence()).putInt(meta.allocatedBlocks()).putLong(meta.generation())
                .array();
    }

    static ObjectMeta decodeMeta(long oid, byte[] value) throws StoreException {
        ByteBuffer b = check(oid, value, META_SIZE, "object record");
        try {
            return new ObjectMeta(new ObjectVersion(b.getLong(), b.getLong()), b.getInt(), b.getLong());
        } catch (IllegalArgumentException e) {
            throw new StoreException("damaged object record of " + ObjectId.toString(oid) + ": " + e.getMessage());
        }
    }

    static byte[] encode(BlockEntry e) {
        int flags = (e.previous() == BlockEntry.UNALLOCATED ? PREVIOUS_UNALLOCATED : 0)
                | (e.stable() == BlockEntry.UNALLOCATED ? STABLE_UNALLOCATED : 0);
        return ByteBuffer.allocate(ENTRY_SIZE).put(LAYOUT).putInt((int) e.crc()).putInt((int) e.previous())
                .putInt((int) e.stable()).put((byte) flags).putLong(e.generation()).array();
    }

    static BlockEntry decodeEntry(long oid, byte[] value) throws StoreException {
        ByteBuffer b = check(oid, value, ENTRY_SIZE, "block entry");
        long crc = Integer.toUnsignedLong(b.getInt());
        long previous = Integer.toUnsignedLong(b.getInt());
        long stable = Integer.toUnsignedLong(b.getInt());
        int flags = b.get();
        try {
            return new BlockEntry(crc, (flags & PREVIOUS_UNALLOCATED) != 0 ? BlockEntry.UNALLOCATED : previous,
                    (flags & STABLE_UNALLOCATED) != 0 ? BlockEntry.UNALLOCATED : stable, b.getLong());
        } catch (IllegalArgumentException e) {
            throw new StoreException("damaged block entry of " + ObjectId.toString(oid) + ": " + e.getMessage());
        }
    }

    private static ByteBuffer check(long oid, byte[] value, int size, String what) throws StoreException {
        if (value.length != size || value[0] != LAYOUT) {
            throw new StoreException("damaged " + what + " of object " + ObjectId.toString(oid) + ": "
                    + value.length + " bytes, layout " + (value.length > 0 ? value[0] : -1));
        }
        return ByteBuffer.wrap(value, 1, size - 1);
    }
}
