package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
    /** The block size of sparseness: a 4 KiB block of zeroes is a hole in images and is not stored in VDIs. */
    static final int BLOCK = 4096;
    private static final ByteBuffer ZEROES = ByteBuffer.allocate(64 * 1024).asReadOnlyBuffer();

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
     * Copies {@code size} bytes of {@code file} into VDI {@code vid} from offset 0, leaving out 4 KiB blocks that are
     * all zeroes (a thin VDI reads them as zeroes already, and stores nothing for them): each run of other blocks
     * within a chunk is one write. Chunks are read into pooled direct buffers, which the writes send as they are.
     * Does not flush.
     *
     * @return the bytes written (the rest were zeroes)
     */
    public long importFile(int vid, FileChannel file, long size, Progress progress) throws SheepException,
            IOException {
        long written = 0;
        try (RequestWindow<Void> writes = RequestWindow.ofWrites(window)) {
            for (long pos = 0; pos < size; ) {
                int n = chunkLength(pos, size);
                ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(n, n);
                try {
                    while (chunk.isWritable() && chunk.writeBytes(file, pos + chunk.writerIndex(),
                            chunk.writableBytes()) >= 0) {
                        // read until the chunk is full or the file ends
                    }
                    ByteBuffer view = chunk.nioBuffer();
                    for (int[] run : dataRuns(view)) {
                        writes.makeRoom();
                        ByteBuf piece = chunk.retainedSlice(run[0], run[1]);
                        CompletableFuture<Void> done = vdis.write(vid, pos + run[0], piece, false);
                        // The client keeps its own reference while sending; ours goes when the write is done.
                        done.whenComplete((v, t) -> piece.release());
                        writes.add(done);
                        written += run[1];
                    }
                } finally {
                    chunk.release();
                }
                pos += n;
                progress.done(pos, size);
            }
            writes.awaitAll();
            return written;
        }
    }

    /**
     * Copies {@code size} bytes of VDI {@code vid} into {@code file} from offset 0, leaving holes where the VDI
     * reads zeroes, and sets the file's length to {@code size}. Objects the VDI's map leaves unallocated are not read
     * at all (they read zeroes); of the others, every 4 KiB block of zeroes stays a hole. The file must be empty.
     *
     * @return the bytes written (the rest are holes)
     */
    public long exportFile(int vid, long size, FileChannel file, Progress progress) throws SheepException,
            IOException {
        int[] map = objectMap(vid);
        Deque<long[]> chunks = new ArrayDeque<>();
        long written = 0;
        long next = 0;
        try (RequestWindow<ByteBuf> reads = new RequestWindow<>(window, ByteBuf::release)) {
            while (next < size || !reads.isEmpty()) {
                while (next < size && !reads.isFull()) {
                    int n = chunkLength(next, size);
                    long index = next / OBJECT_SIZE;
                    boolean unallocated = map != null && (index >= map.length || map[(int) index] == 0);
                    reads.add(unallocated ? CompletableFuture.completedFuture(null) : vdis.read(vid, next, n));
                    chunks.add(new long[] {next, n});
                    next += n;
                }
                ByteBuf data = reads.awaitOldest();
                long[] chunk = chunks.poll();
                if (data != null) {
                    try {
                        ByteBuffer b = data.nioBuffer();
                        for (int[] run : dataRuns(b)) {
                            ByteBuffer piece = b.slice(b.position() + run[0], run[1]);
                            while (piece.hasRemaining()) {
                                file.write(piece, chunk[0] + run[0] + piece.position());
                            }
                            written += run[1];
                        }
                    } finally {
                        data.release();
                    }
                }
                progress.done(chunk[0] + chunk[1], size);
            }
            file.truncate(size);
            if (file.size() < size) {
                file.write(ByteBuffer.allocate(1), size - 1); // the last byte makes the length; the rest stay holes
            }
            return written;
        }
    }

    /** The VDI's object map, or null from a sheep that cannot show it (then every object is read). */
    private int[] objectMap(int vid) throws SheepException {
        try {
            return vdis.objectMap(vid);
        } catch (SheepException e) {
            if (e.result() == ResultCode.NOT_SUPPORTED) {
                return null;
            }
            throw e;
        }
    }

    /**
     * The runs of 4 KiB blocks (from {@code b}'s position, the last one possibly shorter) that are not all zeroes,
     * each as {start, length} relative to the position.
     */
    static List<int[]> dataRuns(ByteBuffer b) {
        List<int[]> runs = new ArrayList<>();
        int len = b.remaining();
        int runStart = -1;
        for (int at = 0; at < len; at += BLOCK) {
            int n = Math.min(BLOCK, len - at);
            boolean zero = allZero(b.slice(b.position() + at, n));
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                runs.add(new int[] {runStart, at - runStart});
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            runs.add(new int[] {runStart, len - runStart});
        }
        return runs;
    }

    /** Whether every byte from {@code b}'s position to its limit is zero. */
    static boolean allZero(ByteBuffer b) {
        for (int at = b.position(); at < b.limit(); at += ZEROES.capacity()) {
            int n = Math.min(b.limit() - at, ZEROES.capacity());
            // mismatch compares a machine word (or vector) at a time
            if (b.slice(at, n).mismatch(ZEROES.slice(0, n)) >= 0) {
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
