package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;

import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** Block arithmetic, checksums and whole-buffer positional I/O shared by the file store's classes. */
final class Blocks {
    /** 4 MiB of zeroes, read-only; take a {@code duplicate()} before use. */
    static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(OBJECT_SIZE).asReadOnlyBuffer();
    /** CRC32C of a block of zeroes. */
    static final long ZERO_BLOCK_CRC = crc(ZEROES.duplicate().limit(BLOCK_SIZE));

    private Blocks() {
    }

    /** Rejects ranges outside the object: the SPI reports them as {@link StoreException}. */
    static void checkRange(long oid, long offset, long length) throws StoreException {
        if (offset < 0 || length < 0 || offset > OBJECT_SIZE || length > OBJECT_SIZE - offset) {
            throw new StoreException("range [" + offset + ", +" + length + ") is outside object "
                    + ObjectId.toString(oid) + " of " + OBJECT_SIZE + " bytes");
        }
    }

    static void checkEpoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
    }

    static int blockOf(long offset) {
        return (int) (offset / BLOCK_SIZE);
    }

    /** CRC32C of the remaining bytes of {@code data}, without moving its position. */
    static long crc(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return crc.getValue();
    }

    /** Sets {@code length} bytes of {@code buf} from absolute index {@code from} to zero. */
    static void zero(ByteBuffer buf, int from, int length) {
        buf.put(from, ZEROES.duplicate().limit(length), 0, length);
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code position}; bytes past the end of the file read as zeroes
     * (a file is only as long as its last written block).
     */
    static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                zero(dst, dst.position(), dst.remaining());
                dst.position(dst.limit());
                return;
            }
            pos += n;
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer src, long position) throws IOException {
        long pos = position;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    /** Turns an I/O failure into the SPI's exceptions: a full disk becomes {@link NoSpaceException}. */
    static StoreException failure(String operation, long oid, IOException e) {
        if (e instanceof StoreException se) {
            return se;
        }
        String message = operation + " of object " + ObjectId.toString(oid) + " failed: " + e;
        if (isNoSpace(e)) {
            return new NoSpaceException(message, e);
        }
        return new StoreException(message, e);
    }

    static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
