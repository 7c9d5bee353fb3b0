package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiOps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Streams a byte range of a VDI to or from a stream. The range is cut into chunks that end at 4 MiB object boundaries
 * (so each request touches one object), and up to {@code window} requests are in flight on the one connection, so a
 * transfer runs at the speed of the pipe rather than of one round trip per chunk. Output stays in order: chunks are
 * written to the stream as their turn comes, whatever order the answers arrive in. On failure, requests still in
 * flight are waited for and their buffers released before the exception propagates.
 */
public final class VdiTransfer {

    /** Sheepdog's data object size (SD_DATA_OBJ_SIZE). */
    public static final int OBJECT_SIZE = 4 * 1024 * 1024;
    /** Requests in flight at once: enough to hide a round trip, few enough to bound memory (8 x 4 MiB). */
    public static final int DEFAULT_WINDOW = 8;

    private final VdiOps vdis;
    private final int window;

    public VdiTransfer(VdiOps vdis, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        this.vdis = vdis;
        this.window = window;
    }

    /** Length of the chunk starting at {@code pos}: up to the next object boundary, and no further than {@code end}. */
    static int chunkLength(long pos, long end) {
        return (int) Math.min(end - pos, OBJECT_SIZE - pos % OBJECT_SIZE);
    }

    /** Copies {@code length} bytes at {@code offset} of VDI {@code vid} to {@code out}. */
    public void read(int vid, long offset, long length, OutputStream out) throws SheepException, IOException {
        Deque<CompletableFuture<ByteBuf>> inFlight = new ArrayDeque<>();
        long pos = offset;
        long end = offset + length;
        try {
            while (pos < end || !inFlight.isEmpty()) {
                while (inFlight.size() < window && pos < end) {
                    int n = chunkLength(pos, end);
                    inFlight.add(vdis.read(vid, pos, n));
                    pos += n;
                }
                ByteBuf data = await(inFlight.poll());
                try {
                    data.getBytes(data.readerIndex(), out, data.readableBytes());
                } finally {
                    data.release();
                }
            }
        } finally {
            for (CompletableFuture<ByteBuf> f : inFlight) {
                f.whenComplete((data, t) -> {
                    if (data != null) {
                        data.release();
                    }
                });
            }
            drain(inFlight);
        }
    }

    /**
     * Copies bytes from {@code in} to VDI {@code vid} from {@code offset} on, until {@code in} ends or {@code limit}
     * bytes are written; returns how many were written. Does not flush.
     */
    public long write(int vid, long offset, long limit, InputStream in) throws SheepException, IOException {
        Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        long pos = offset;
        long end = offset + limit;
        try {
            boolean eof = false;
            while (!eof && pos < end) {
                int n = chunkLength(pos, end);
                byte[] chunk = new byte[n];
                int got = in.readNBytes(chunk, 0, n);
                eof = got < n;
                if (got > 0) {
                    ByteBuf data = Unpooled.wrappedBuffer(chunk, 0, got);
                    CompletableFuture<Void> done = vdis.write(vid, pos, data, false);
                    // The client keeps its own reference while sending; ours goes when the write is done.
                    done.whenComplete((v, t) -> data.release());
                    inFlight.add(done);
                    pos += got;
                }
                if (inFlight.size() >= window) {
                    await(inFlight.poll());
                }
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.poll());
            }
            return pos - offset;
        } finally {
            drain(inFlight);
        }
    }

    /** Told how many bytes of how many are done, after every chunk. */
    @FunctionalInterface
    public interface Progress {
        void done(long bytes, long total);
    }

    /**
     * Copies {@code size} bytes of {@code file} into VDI {@code vid} from offset 0, leaving out chunks that are all
     * zeroes (a thin VDI reads them as zeroes already, and stores nothing for them). Does not flush.
     *
     * @return the bytes written (the rest were zeroes)
     */
    public long importFile(int vid, FileChannel file, long size, Progress progress) throws SheepException,
            IOException {
        Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        long written = 0;
        try {
            for (long pos = 0; pos < size; ) {
                int n = chunkLength(pos, size);
                ByteBuffer chunk = ByteBuffer.allocate(n);
                while (chunk.hasRemaining() && file.read(chunk, pos + chunk.position()) >= 0) {
                    // read until the chunk is full or the file ends
                }
                chunk.flip();
                if (!allZero(chunk)) {
                    ByteBuf data = Unpooled.wrappedBuffer(chunk);
                    CompletableFuture<Void> done = vdis.write(vid, pos, data, false);
                    done.whenComplete((v, t) -> data.release());
                    inFlight.add(done);
                    written += chunk.remaining();
                }
                pos += n;
                if (inFlight.size() >= window) {
                    await(inFlight.poll());
                }
                progress.done(pos, size);
            }
            while (!inFlight.isEmpty()) {
                await(inFlight.poll());
            }
            return written;
        } finally {
            drain(inFlight);
        }
    }

    /**
     * Copies {@code size} bytes of VDI {@code vid} into {@code file} from offset 0, leaving holes where the VDI
     * reads zeroes, and sets the file's length to {@code size}.
     *
     * @return the bytes written (the rest are holes)
     */
    public long exportFile(int vid, long size, FileChannel file, Progress progress) throws SheepException,
            IOException {
        Deque<CompletableFuture<ByteBuf>> inFlight = new ArrayDeque<>();
        Deque<Long> offsets = new ArrayDeque<>();
        long written = 0;
        long next = 0;
        try {
            while (next < size || !inFlight.isEmpty()) {
                while (next < size && inFlight.size() < window) {
                    inFlight.add(vdis.read(vid, next, chunkLength(next, size)));
                    offsets.add(next);
                    next += chunkLength(next, size);
                }
                ByteBuf data = await(inFlight.poll());
                long at = offsets.poll();
                try {
                    ByteBuffer b = data.nioBuffer();
                    if (!allZero(b)) {
                        while (b.hasRemaining()) {
                            file.write(b, at + (data.readableBytes() - b.remaining()));
                        }
                        written += data.readableBytes();
                    }
                    progress.done(at + data.readableBytes(), size);
                } finally {
                    data.release();
                }
            }
            file.truncate(size);
            if (file.size() < size) {
                file.write(ByteBuffer.allocate(1), size - 1); // the last byte makes the length; the rest stay holes
            }
            return written;
        } finally {
            for (CompletableFuture<ByteBuf> f : inFlight) {
                f.thenAccept(ByteBuf::release);
            }
            drain(inFlight);
        }
    }

    /** Whether every byte from {@code b}'s position to its limit is zero. */
    static boolean allZero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Waits for requests abandoned after a failure, so none is still running when the caller reports it. */
    private static void drain(Deque<? extends CompletableFuture<?>> inFlight) {
        for (CompletableFuture<?> f : inFlight) {
            try {
                f.get();
            } catch (ExecutionException e) {
                // The first failure is the one being reported.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        inFlight.clear();
    }

    /** The result of {@code f}, or its failure as a SheepException. */
    public static <T> T await(CompletableFuture<T> f) throws SheepException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SheepException se) {
                throw se;
            }
            throw new SheepException(ResultCode.UNKNOWN, String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SheepException(ResultCode.UNKNOWN, "interrupted", e);
        }
    }
}
