package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;

import io.sheepdog.store.ChecksumException;
import io.sheepdog.store.ObjectId;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads blocks from a data file and checks each allocated one against its {@link BlockEntry}. Unallocated blocks
 * are zeroes and never read from the file. A block whose data does not match throws {@link ChecksumException},
 * unless its object is unsettled ({@link Durability#acceptsFallback}: a failed write could not be rolled back) and
 * the data is one of the block's fall-back contents.
 */
final class BlockReader {
    private static final Logger LOG = LoggerFactory.getLogger(BlockReader.class);

    private final DataFiles files;
    private final Durability durability;

    BlockReader(DataFiles files, Durability durability) {
        this.files = files;
        this.durability = durability;
    }

    /**
     * Fills {@code target} (absolute indexes {@code 0 .. entries.length * BLOCK_SIZE}) with blocks {@code first ..
     * first + entries.length - 1} of the object; {@code entries[i]} is the entry of block {@code first + i}.
     */
    void read(long oid, int first, BlockEntry[] entries, ByteBuffer target) throws IOException {
        OpenFile file = null;
        try {
            int i = 0;
            while (i < entries.length) {
                if (entries[i] == null) {
                    Blocks.zero(target, i * BLOCK_SIZE, BLOCK_SIZE);
                    i++;
                    continue;
                }
                int end = i + 1;
                while (end < entries.length && entries[end] != null) {
                    end++;
                }
                if (file == null) {
                    file = files.acquire(oid, false);
                }
                ByteBuffer run = target.slice(i * BLOCK_SIZE, (end - i) * BLOCK_SIZE);
                if (file == null) {
                    // The index has blocks but the file is gone: check zeroes, which only a fall-back accepts.
                    Blocks.zero(run, 0, run.capacity());
                } else {
                    Blocks.readFully(file.channel(), run, BlockEntry.fileOffset(first + i));
                }
                for (int k = i; k < end; k++) {
                    verify(oid, first + k, entries[k], target.slice(k * BLOCK_SIZE, BLOCK_SIZE));
                }
                i = end;
            }
        } finally {
            files.release(oid, file);
        }
    }

    private void verify(long oid, int block, BlockEntry entry, ByteBuffer data) throws ChecksumException {
        long crc = Blocks.crc(data);
        if (crc == entry.crc()) {
            return;
        }
        if (durability.acceptsFallback(oid, entry.generation())) {
            if (entry.isFallback(crc)) {
                LOG.warn("object {} block {} holds its content before the last write: the write did not land",
                        ObjectId.toString(oid), block);
                return;
            }
            if (entry.mayBeUnallocated()) {
                LOG.warn("object {} block {} reads as unallocated: the write did not land", ObjectId.toString(oid),
                        block);
                Blocks.zero(data, 0, BLOCK_SIZE);
                return;
            }
        }
        throw new ChecksumException(oid, block, String.format("index has crc32c %08x, data file %s has %08x",
                entry.crc(), files.path(oid), crc));
    }
}
