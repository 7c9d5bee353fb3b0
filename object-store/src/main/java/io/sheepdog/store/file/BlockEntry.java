package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

/**
 * The index entry of one allocated {@link io.sheepdog.store.ObjectLayout#BLOCK_SIZE} block: a block is allocated
 * if and only if it has an entry. Besides the checksum of the data last written, an entry remembers which other
 * contents the data file may still legitimately hold, because the index is written before the data file:
 *
 * <ul>
 *   <li>{@code previous}: the checksum before the last write. A crash between the index batch and the
 *       positional write leaves this content in the file.</li>
 *   <li>{@code stable}: the checksum the block had when the data file was last fsynced. After a power loss the
 *       page cache may have written back none of the writes since then.</li>
 * </ul>
 *
 * The fall-backs are used only to settle an object whose index may be ahead of its file (at open after a crash,
 * or after a failed write could not be rolled back), and only while the entry's {@code generation} equals the
 * object's, i.e. the block was written since the object's data file was last fsynced; otherwise only {@code crc}
 * is accepted. Checksums are unsigned CRC32C values; {@link #UNALLOCATED} marks a fall-back state in which the
 * block had no entry and read as zeroes.
 *
 * @param crc        CRC32C of the data last written to the block
 * @param previous   CRC32C before the last write, or {@link #UNALLOCATED}
 * @param stable     CRC32C when the object was last fsynced, or {@link #UNALLOCATED}
 * @param generation the object's fsync generation when the block was last written ({@link ObjectMeta#generation})
 */
public record BlockEntry(long crc, long previous, long stable, long generation) {
    /** A fall-back state in which the block was not allocated: the file content is meaningless, it reads as zeroes. */
    public static final long UNALLOCATED = -1L;
    private static final long MAX_CRC = 0xFFFF_FFFFL;

    public BlockEntry {
        checkCrc(crc, false);
        checkCrc(previous, true);
        checkCrc(stable, true);
        if (generation < 0) {
            throw new IllegalArgumentException("negative generation " + generation);
        }
    }

    /**
     * The entry after writing data with checksum {@code newCrc} in {@code generation} over {@code old}.
     *
     * @param old the entry before the write, null if the block was not allocated
     */
    static BlockEntry afterWrite(BlockEntry old, long newCrc, long generation) {
        if (old == null) {
            // Unallocated before: whatever the file holds there is stale, a lost write reads as zeroes.
            return new BlockEntry(newCrc, UNALLOCATED, UNALLOCATED, generation);
        }
        if (old.generation == generation) {
            // Already written since the last fsync: the durable content is still the old stable one.
            return new BlockEntry(newCrc, old.crc, old.stable, generation);
        }
        return new BlockEntry(newCrc, old.crc, old.crc, generation);
    }

    /** The same entry settled on {@code content}, one of its accepted checksums. */
    BlockEntry settledOn(long content) {
        return new BlockEntry(content, content, content, generation);
    }

    /** True if a fall-back state of this entry is "unallocated", so the block may read as zeroes. */
    boolean mayBeUnallocated() {
        return previous == UNALLOCATED || stable == UNALLOCATED;
    }

    /** True if {@code content} is the previous or the stable content of the block. */
    boolean isFallback(long content) {
        return content == previous || content == stable;
    }

    /** Byte offset of block {@code block} in its data file. */
    static long fileOffset(int block) {
        return (long) block * BLOCK_SIZE;
    }

    private static void checkCrc(long value, boolean mayBeUnallocated) {
        boolean ok = (value >= 0 && value <= MAX_CRC) || (mayBeUnallocated && value == UNALLOCATED);
        if (!ok) {
            throw new IllegalArgumentException("not a CRC32C value: " + value);
        }
    }
}
