package io.sheepdog.store.file;

import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectVersion;
import java.util.Objects;

/**
 * The index record of one stored object.
 *
 * @param version         the object's version, bumped by every write, zero-fill and discard
 * @param allocatedBlocks number of blocks with a {@link BlockEntry}; an object may have none (all discarded)
 * @param generation      number of times the object's data file was fsynced with writes pending; blocks written
 *                        in the current generation may not be durable yet (see {@link BlockEntry})
 */
public record ObjectMeta(ObjectVersion version, int allocatedBlocks, long generation) {

    public ObjectMeta {
        Objects.requireNonNull(version, "version");
        if (allocatedBlocks < 0 || allocatedBlocks > ObjectLayout.BLOCKS_PER_OBJECT) {
            throw new IllegalArgumentException("allocated blocks out of range: " + allocatedBlocks);
        }
        if (generation < 0) {
            throw new IllegalArgumentException("negative generation " + generation);
        }
    }

    ObjectMeta withAllocatedBlocks(int blocks) {
        return new ObjectMeta(version, blocks, generation);
    }

    ObjectMeta withVersion(ObjectVersion v) {
        return new ObjectMeta(v, allocatedBlocks, generation);
    }

    /** The record after the data file was fsynced: every block written so far is durable. */
    ObjectMeta nextGeneration() {
        return new ObjectMeta(version, allocatedBlocks, generation + 1);
    }

    long allocatedBytes() {
        return (long) allocatedBlocks * ObjectLayout.BLOCK_SIZE;
    }
}
