package io.sheepdog.nbd.memory;

import static com.google.common.base.Preconditions.checkArgument;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A sparse block device in memory: the export is cut into blocks of {@code blockSize} bytes, each a byte array
 * allocated on first write; an unallocated block is a hole that reads as zeroes. TRIM and WRITE_ZEROES (without
 * NO_HOLE) free the blocks they cover entirely and zero the rest, so trimmed data always reads back as zeroes.
 * Block status reports holes as {@code hole+zero} and allocated blocks as data.
 *
 * <p>Every operation runs on the given executor and completes its future there; with a multi-threaded executor,
 * concurrent requests complete in any order, which exercises out-of-order replies. With a direct executor
 * ({@code Runnable::run}) everything completes synchronously. The device is shared by all connections that open
 * it (so {@link #multiConn()} is true) and {@link #close()} does nothing.
 */
public final class MemoryBlockDevice implements BlockDevice {

    /** Default allocation granularity. */
    public static final int DEFAULT_BLOCK_SIZE = 4096;

    private final long size;
    private final int blockSize;
    private final boolean readOnly;
    private final Executor executor;
    private final byte[][] blocks;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicLong flushes = new AtomicLong();

    /** A writable device of {@code size} bytes with 4 KiB blocks, running its operations on {@code executor}. */
    public MemoryBlockDevice(long size, Executor executor) {
        this(size, DEFAULT_BLOCK_SIZE, false, executor);
    }

    /**
     * @param size      export size in bytes
     * @param blockSize allocation granularity (a power of two)
     * @param readOnly  refuse writes, trims and zeroes with EPERM
     * @param executor  where operations run and complete
     */
    public MemoryBlockDevice(long size, int blockSize, boolean readOnly, Executor executor) {
        checkArgument(size >= 0, "size must not be negative: %s", size);
        checkArgument(blockSize > 0 && Integer.bitCount(blockSize) == 1, "blockSize must be a power of two: %s",
                blockSize);
        long count = (size + blockSize - 1) / blockSize;
        checkArgument(count <= Integer.MAX_VALUE - 8, "size %s too large for block size %s", size, blockSize);
        this.size = size;
        this.blockSize = blockSize;
        this.readOnly = readOnly;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.blocks = new byte[(int) count][];
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public boolean multiConn() {
        return true;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return supply(() -> {
            checkRange(offset, length, NbdError.EINVAL);
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(length);
            lock.readLock().lock();
            try {
                copyOut(offset, buf, length);
                return buf;
            } catch (RuntimeException e) {
                buf.release();
                throw e;
            } finally {
                lock.readLock().unlock();
            }
        });
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return run(() -> {
            checkWritable();
            int length = data.readableBytes();
            checkRange(offset, length, NbdError.ENOSPC);
            lock.writeLock().lock();
            try {
                copyIn(offset, data, length);
            } finally {
                lock.writeLock().unlock();
            }
        });
    }

    @Override
    public CompletableFuture<Void> flush() {
        return run(flushes::incrementAndGet);
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
        return run(() -> {
            checkWritable();
            checkRange(offset, length, NbdError.EINVAL);
            zero(offset, length, true);
        });
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean noHole, boolean fua) {
        return run(() -> {
            checkWritable();
            checkRange(offset, length, NbdError.ENOSPC);
            zero(offset, length, !noHole);
        });
    }

    @Override
    public CompletableFuture<List<Extent>> blockStatus(long offset, long length) {
        return supply(() -> {
            checkRange(offset, length, NbdError.EINVAL);
            if (length == 0) {
                throw new BlockDeviceException(NbdError.EINVAL, "block status of zero bytes");
            }
            lock.readLock().lock();
            try {
                return extents(offset, offset + length);
            } finally {
                lock.readLock().unlock();
            }
        });
    }

    /** A synchronous copy of {@code [offset, offset+length)}, for test oracles. */
    public byte[] snapshot(long offset, int length) {
        checkRange(offset, length, NbdError.EINVAL);
        ByteBuf buf = ByteBufAllocator.DEFAULT.heapBuffer(length);
        lock.readLock().lock();
        try {
            copyOut(offset, buf, length);
            byte[] out = new byte[length];
            buf.readBytes(out);
            return out;
        } finally {
            lock.readLock().unlock();
            buf.release();
        }
    }

    /** Bytes held in allocated blocks. */
    public long allocatedBytes() {
        lock.readLock().lock();
        try {
            return Arrays.stream(blocks).filter(Objects::nonNull).count() * blockSize;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many flushes have completed. */
    public long flushCount() {
        return flushes.get();
    }

    private void copyOut(long offset, ByteBuf dst, int length) {
        long pos = offset;
        int left = length;
        while (left > 0) {
            int index = (int) (pos / blockSize);
            int within = (int) (pos % blockSize);
            int n = Math.min(left, blockSize - within);
            byte[] block = blocks[index];
            if (block == null) {
                dst.writeZero(n);
            } else {
                dst.writeBytes(block, within, n);
            }
            pos += n;
            left -= n;
        }
    }

    private void copyIn(long offset, ByteBuf src, int length) {
        long pos = offset;
        int from = src.readerIndex();
        int left = length;
        while (left > 0) {
            int index = (int) (pos / blockSize);
            int within = (int) (pos % blockSize);
            int n = Math.min(left, blockSize - within);
            if (blocks[index] == null) {
                blocks[index] = new byte[blockSize];
            }
            src.getBytes(from, blocks[index], within, n);
            pos += n;
            from += n;
            left -= n;
        }
    }

    private void zero(long offset, long length, boolean punchHoles) {
        lock.writeLock().lock();
        try {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                int index = (int) (pos / blockSize);
                int within = (int) (pos % blockSize);
                int n = (int) Math.min(end - pos, blockSize - within);
                boolean whole = n == blockSize || (within == 0 && pos + n == size);
                if (whole && punchHoles) {
                    blocks[index] = null;
                } else if (blocks[index] != null) {
                    Arrays.fill(blocks[index], within, within + n, (byte) 0);
                } else if (!punchHoles) {
                    blocks[index] = new byte[blockSize]; // NO_HOLE: the range must stay allocated
                }
                pos += n;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private List<Extent> extents(long offset, long end) {
        List<Extent> extents = new ArrayList<>();
        long pos = offset;
        long runStart = offset;
        boolean runHole = blocks[(int) (offset / blockSize)] == null;
        while (pos < end) {
            int index = (int) (pos / blockSize);
            long next = Math.min(end, (long) (index + 1) * blockSize);
            boolean hole = blocks[index] == null;
            if (hole != runHole) {
                extents.add(new Extent(pos - runStart, runHole, runHole));
                runStart = pos;
                runHole = hole;
            }
            pos = next;
        }
        extents.add(new Extent(end - runStart, runHole, runHole));
        return extents;
    }

    private void checkWritable() {
        if (readOnly) {
            throw new BlockDeviceException(NbdError.EPERM, "read-only device");
        }
    }

    private void checkRange(long offset, long length, NbdError error) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new BlockDeviceException(error, "range [" + offset + ", +" + length + ") outside device of "
                    + size + " bytes");
        }
    }

    private <T> CompletableFuture<T> supply(Supplier<T> operation) {
        return CompletableFuture.supplyAsync(operation, executor);
    }

    private CompletableFuture<Void> run(Runnable operation) {
        return CompletableFuture.runAsync(operation, executor);
    }
}
