package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A write, zero-fill or discard of one byte range of an object, planned as whole blocks before anything is
 * changed. The data file is only ever written in whole blocks, so that each block's checksum covers exactly what
 * was written: a block only partly covered by the range is read (checked), merged and rewritten.
 */
final class Mutation {
    private final int first;
    private final List<Segment> segments = new ArrayList<>();
    private final BitSet discarded = new BitSet();

    /**
     * Consecutive whole blocks to write.
     *
     * @param firstBlock the block at which {@code data} starts
     * @param data       a multiple of the block size, read from its position to its limit
     */
    record Segment(int firstBlock, ByteBuffer data) {
        int blockCount() {
            return data.remaining() / BLOCK_SIZE;
        }

        ByteBuffer block(int i) {
            return data.slice(data.position() + i * BLOCK_SIZE, BLOCK_SIZE);
        }
    }

    /** Reads one current block, checked, as a fresh buffer of one block. */
    @FunctionalInterface
    interface OldBlocks {
        ByteBuffer read(int block) throws IOException;
    }

    private Mutation(int first) {
        this.first = first;
    }

    /**
     * Plans putting {@code src} (its remaining bytes) at {@code offset}. With {@code discard}, {@code src} holds
     * zeroes: blocks wholly inside the range are dropped from the index instead of written, and partly covered
     * blocks that are not allocated are left alone (they read as zeroes already).
     *
     * @param allocated which blocks are allocated, indexed from {@code first}
     */
    static Mutation plan(long offset, ByteBuffer src, boolean discard, int first, BitSet allocated, OldBlocks old)
            throws IOException {
        Mutation m = new Mutation(first);
        long end = offset + src.remaining();
        int last = Blocks.blockOf(end - 1);
        int pos = src.position();
        int block = first;
        if (offset % BLOCK_SIZE != 0 || end < BlockEntry.fileOffset(first + 1)) {
            int inner = (int) (offset % BLOCK_SIZE);
            int n = (int) Math.min(BLOCK_SIZE - inner, end - offset);
            m.edge(block, inner, src, pos, n, discard && !allocated.get(block - first), old);
            pos += n;
            block++;
        }
        int lastFull = Blocks.blockOf(end) - 1;
        if (block <= lastFull) {
            int n = (lastFull - block + 1) * BLOCK_SIZE;
            if (discard) {
                for (int b = block; b <= lastFull; b++) {
                    if (allocated.get(b - first)) {
                        m.discarded.set(b - first);
                    }
                }
            } else {
                m.segments.add(new Segment(block, src.slice(pos, n)));
            }
            pos += n;
            block = lastFull + 1;
        }
        if (block <= last) {
            int n = (int) (end - BlockEntry.fileOffset(last));
            m.edge(last, 0, src, pos, n, discard && !allocated.get(last - first), old);
        }
        return m;
    }

    private void edge(int block, int inner, ByteBuffer src, int pos, int n, boolean skip, OldBlocks old)
            throws IOException {
        if (skip) {
            return;
        }
        ByteBuffer image = old.read(block);
        image.put(inner, src, pos, n);
        segments.add(new Segment(block, image.clear()));
    }

    int first() {
        return first;
    }

    List<Segment> segments() {
        return segments;
    }

    /** Blocks to drop from the index, indexed from {@link #first()}. */
    BitSet discarded() {
        return discarded;
    }

    boolean writesData() {
        return !segments.isEmpty();
    }
}
