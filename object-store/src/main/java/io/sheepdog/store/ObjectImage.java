package io.sheepdog.store;

import static io.sheepdog.store.ObjectLayout.BLOCKS_PER_OBJECT;
import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Objects;

/**
 * A whole object replica as it is at one moment: its version, which blocks are allocated, and the bytes of the
 * allocated blocks. This is what recovery and repair copy from one node to another
 * ({@link ObjectStore#export}, {@link ObjectStore#install}): the copy gets the exact version of the original, so
 * replicas can be compared by version afterwards.
 *
 * @param oid        the object id
 * @param version    the replica's version
 * @param allocation the allocated blocks (bit i = block i)
 * @param blocks     the allocated blocks' bytes, in block order, packed: exactly
 *                   {@code allocation.cardinality() * BLOCK_SIZE} bytes from position to limit
 */
public record ObjectImage(long oid, ObjectVersion version, BitSet allocation, ByteBuffer blocks) {

    public ObjectImage {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(allocation, "allocation");
        Objects.requireNonNull(blocks, "blocks");
        if (allocation.length() > BLOCKS_PER_OBJECT) {
            throw new IllegalArgumentException("allocation has block " + (allocation.length() - 1)
                    + " beyond the object's " + BLOCKS_PER_OBJECT);
        }
        long expected = (long) allocation.cardinality() * BLOCK_SIZE;
        if (blocks.remaining() != expected) {
            throw new IllegalArgumentException("object " + ObjectId.toString(oid) + " image: " + blocks.remaining()
                    + " bytes of blocks for " + allocation.cardinality() + " allocated blocks (" + expected + ")");
        }
    }

    /** The number of allocated blocks. */
    public int blockCount() {
        return allocation.cardinality();
    }

    /** Bytes in allocated blocks. */
    public long allocatedBytes() {
        return (long) blockCount() * BLOCK_SIZE;
    }

    /**
     * Calls {@code consumer} for each run of consecutive allocated blocks with the run's first block index and a
     * slice of {@link #blocks()} holding the run's bytes.
     */
    public void forEachRun(RunConsumer consumer) throws StoreException {
        int packed = 0;
        for (int b = allocation.nextSetBit(0); b >= 0; ) {
            int end = allocation.nextClearBit(b);
            int bytes = (end - b) * BLOCK_SIZE;
            consumer.accept(b, blocks.slice(blocks.position() + packed, bytes));
            packed += bytes;
            b = allocation.nextSetBit(end);
        }
    }

    /** A run of allocated blocks; see {@link #forEachRun}. */
    @FunctionalInterface
    public interface RunConsumer {
        void accept(int firstBlock, ByteBuffer data) throws StoreException;
    }
}
