package io.sheepdog.daemon.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.nbd.Extent;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Byte-range I/O on a VDI: splits each request into object requests, creates data objects on their first write
 * and records them in the inode, copies an object shared with a parent before changing it (copy-on-write), and
 * answers allocation queries from the inode and the objects' block maps.
 *
 * <p>Ordering: every task that may change data object {@code i} of a VDI, or its map entry, runs in the
 * {@link KeyedSerializer} turn of that object, so two writes racing on an unallocated object cannot both create
 * it. Map entries are persisted in the turn of the inode object. Reads need no turn: they see either the old or the
 * new state of a racing write, which is what a block device promises.
 */
public final class VdiIo {
    /** Allocated objects whose block maps one block status request may look at before it answers (partially). */
    private static final int MAX_STATUS_OBJECT_LOOKUPS = 64;

    private final ObjectGateway gateway;
    private final KeyedSerializer serializer;
    private final ByteBufAllocator allocator;

    public VdiIo(ObjectGateway gateway, KeyedSerializer serializer, ByteBufAllocator allocator) {
        this.gateway = gateway;
        this.serializer = serializer;
        this.allocator = allocator;
    }

    /** Reads {@code length} bytes at {@code offset}; the caller releases the buffer. */
    public CompletableFuture<ByteBuf> read(Inode inode, long offset, int length) {
        CompletableFuture<Void> check = checkRange(inode, offset, length);
        if (check != null) {
            return check.thenApply(v -> null);
        }
        return learnHoles(inode, offset, length).thenCompose(v -> readMapped(inode, offset, length));
    }

    private CompletableFuture<ByteBuf> readMapped(Inode inode, long offset, int length) {
        ByteBuf buf = allocator.directBuffer(length, length);
        buf.writerIndex(length);
        List<CompletableFuture<Void>> parts = new ArrayList<>(2);
        ObjectRange.forEachPiece(offset, length, (index, objOff, n, at) -> {
            int owner = inode.dataVid(index);
            if (owner == 0) {
                buf.setZero((int) at, (int) n);
            } else {
                parts.add(gateway.read(ObjectId.data(owner, index), objOff, buf.nioBuffer((int) at, (int) n)));
            }
        });
        return all(parts).handle((v, e) -> {
            if (e != null) {
                buf.release();
                throw Futures.propagate(e);
            }
            return buf;
        });
    }

    /** Writes the readable bytes of {@code data} at {@code offset}. The caller keeps ownership of {@code data}. */
    public CompletableFuture<Void> write(Inode inode, long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        CompletableFuture<Void> check = checkRange(inode, offset, length);
        if (check != null) {
            return check;
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>(2);
        int base = data.readerIndex();
        ObjectRange.forEachPiece(offset, length, (index, objOff, n, at) -> {
            ByteBuf piece = directPiece(data, base + (int) at, (int) n);
            ByteBuffer src = piece.nioBuffer();
            parts.add(inTurn(inode, index, () -> writePiece(inode, index, objOff, src, fua))
                    .whenComplete((v, e) -> piece.release()));
        });
        return all(parts);
    }

    /**
     * The bytes {@code [index, index + length)} of {@code data} as a buffer with one direct NIO buffer, to be
     * released: a view when they lie in one direct component, else one copy into a pooled direct buffer. An NBD
     * payload usually spans several socket reads (a composite); its {@code nioBuffer} would merge them into a new
     * heap array, which the JDK copies once more into a temporary direct buffer for every file or socket write.
     */
    private ByteBuf directPiece(ByteBuf data, int index, int length) {
        ByteBuffer[] views = data.nioBuffers(index, length);
        if (views.length == 1 && views[0].isDirect()) {
            return data.retainedSlice(index, length);
        }
        ByteBuf copy = allocator.directBuffer(length, length);
        copy.writeBytes(data, index, length);
        return copy;
    }

    /** Makes a range read as zeroes; {@code discard} deallocates it, otherwise the zeroes are allocated. */
    public CompletableFuture<Void> zero(Inode inode, long offset, long length, boolean discard, boolean fua) {
        CompletableFuture<Void> check = checkRange(inode, offset, length);
        if (check != null) {
            return check;
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        ObjectRange.forEachPiece(offset, length, (index, objOff, n, at) ->
                parts.add(inTurn(inode, index, () -> zeroPiece(inode, index, objOff, n, discard, fua))));
        return all(parts);
    }

    /** Makes every completed write durable. */
    public CompletableFuture<Void> flush() {
        return gateway.flush();
    }

    /**
     * The allocation of {@code [offset, offset+length)} as merged extents from {@code offset}. May stop early (after
     * {@value #MAX_STATUS_OBJECT_LOOKUPS} allocated objects), always covering at least one byte.
     */
    public CompletableFuture<List<Extent>> blockStatus(Inode inode, long offset, long length) {
        CompletableFuture<Void> check = checkRange(inode, offset, length);
        if (check != null) {
            return check.thenApply(v -> null);
        }
        ExtentBuilder extents = new ExtentBuilder();
        return learnHoles(inode, offset, length)
                .thenCompose(v -> statusFrom(inode, offset, offset + length, extents, 0))
                .thenApply(v -> extents.build());
    }

    private CompletableFuture<Void> statusFrom(Inode inode, long pos, long end, ExtentBuilder out, int lookups) {
        long p = pos;
        while (p < end) {
            int index = (int) (p / ObjectLayout.OBJECT_SIZE);
            long objOff = p % ObjectLayout.OBJECT_SIZE;
            long n = Math.min(end - p, ObjectLayout.OBJECT_SIZE - objOff);
            int owner = inode.dataVid(index);
            if (owner == 0) {
                out.add(n, false);
                p += n;
                continue;
            }
            if (lookups >= MAX_STATUS_OBJECT_LOOKUPS) {
                return CompletableFuture.completedFuture(null);
            }
            long next = p + n;
            return gateway.allocation(ObjectId.data(owner, index)).thenCompose(bits -> {
                addBlocks(bits, objOff, n, out);
                return statusFrom(inode, next, end, out, lookups + 1);
            });
        }
        return CompletableFuture.completedFuture(null);
    }

    private static void addBlocks(BitSet bits, long objOff, long length, ExtentBuilder out) {
        long p = objOff;
        long end = objOff + length;
        while (p < end) {
            int block = (int) (p / ObjectLayout.BLOCK_SIZE);
            long blockEnd = Math.min(end, (long) (block + 1) * ObjectLayout.BLOCK_SIZE);
            out.add(blockEnd - p, bits.get(block));
            p = blockEnd;
        }
    }

    private CompletableFuture<Void> writePiece(Inode inode, int index, long objOff, ByteBuffer src, boolean fua) {
        int vid = inode.vid();
        int owner = inode.dataVid(index);
        long oid = ObjectId.data(vid, index);
        if (owner == vid) {
            return gateway.write(oid, objOff, src, false, fua);
        }
        if (owner == 0) {
            // Another gateway may have created the object since this node loaded the inode: ask the inode first.
            return learnHoles(inode, (long) index * ObjectLayout.OBJECT_SIZE, 1).thenCompose(v -> {
                if (inode.dataVid(index) != 0) {
                    return writePiece(inode, index, objOff, src, fua);
                }
                return gateway.write(oid, objOff, src, true, fua).thenCompose(w -> setMap(inode, index, vid, fua));
            });
        }
        return copyUp(inode, index, owner, fua).thenCompose(v -> gateway.write(oid, objOff, src, false, fua));
    }

    private CompletableFuture<Void> zeroPiece(Inode inode, int index, long objOff, long n, boolean discard,
                                              boolean fua) {
        int vid = inode.vid();
        int owner = inode.dataVid(index);
        long oid = ObjectId.data(vid, index);
        boolean whole = objOff == 0 && n == objectLength(inode, index);
        if (owner == 0) {
            if (discard) {
                return CompletableFuture.completedFuture(null);
            }
            return gateway.remove(oid)
                    .thenCompose(v -> gateway.zero(oid, objOff, n, false, fua))
                    .thenCompose(v -> setMap(inode, index, vid, fua));
        }
        if (discard && whole) {
            // Unmap first: once the map says "unallocated" reads return zeroes whatever the object still holds.
            CompletableFuture<Void> unmapped = setMap(inode, index, 0, fua);
            return owner == vid ? unmapped.thenCompose(v -> gateway.remove(oid)) : unmapped;
        }
        CompletableFuture<Void> own = owner == vid ? CompletableFuture.completedFuture(null)
                : copyUp(inode, index, owner, fua);
        return own.thenCompose(v -> gateway.zero(oid, objOff, n, discard, fua));
    }

    /**
     * Re-reads from the inode object the map entries of {@code [offset, offset+length)} that this node sees as
     * unallocated, so that objects allocated through other gateways are found. One read covers the whole span of
     * unallocated entries; nothing is read when every entry is allocated.
     */
    private CompletableFuture<Void> learnHoles(Inode inode, long offset, long length) {
        int first = (int) (offset / ObjectLayout.OBJECT_SIZE);
        int last = (int) ((offset + length - 1) / ObjectLayout.OBJECT_SIZE);
        int lo = -1;
        int hi = -1;
        for (int i = first; i <= last; i++) {
            if (inode.dataVid(i) == 0) {
                lo = lo < 0 ? i : lo;
                hi = i;
            }
        }
        if (lo < 0) {
            return CompletableFuture.completedFuture(null);
        }
        int from = lo;
        int count = hi - lo + 1;
        ByteBuffer entries = ByteBuffer.allocate(count * InodeLayout.MAP_ENTRY_SIZE);
        return gateway.read(ObjectId.inode(inode.vid()), InodeLayout.mapEntryOffset(from), entries).thenAccept(v -> {
            entries.flip();
            int[] seen = InodeCodec.decodeMap(entries, count);
            for (int i = 0; i < count; i++) {
                inode.learnDataVid(from + i, seen[i]);
            }
        });
    }

    /** Copies the shared object {@code index} of ancestor {@code owner} into an object of this VDI. */
    private CompletableFuture<Void> copyUp(Inode inode, int index, int owner, boolean fua) {
        int len = (int) objectLength(inode, index);
        ByteBuf copy = allocator.directBuffer(len, len);
        long target = ObjectId.data(inode.vid(), index);
        return gateway.read(ObjectId.data(owner, index), 0, copy.nioBuffer(0, len))
                .thenCompose(v -> gateway.write(target, 0, copy.nioBuffer(0, len), true, fua))
                .thenCompose(v -> setMap(inode, index, inode.vid(), fua))
                .whenComplete((v, e) -> copy.release());
    }

    /** Sets a map entry in memory at once and persists it in the inode object's turn; undone if that fails. */
    private CompletableFuture<Void> setMap(Inode inode, int index, int dataVid, boolean fua) {
        int previous = inode.dataVid(index);
        inode.setDataVid(index, dataVid);
        long inodeOid = ObjectId.inode(inode.vid());
        return serializer.submit(inodeOid, () -> gateway.write(inodeOid, InodeLayout.mapEntryOffset(index),
                        InodeCodec.encodeMapEntry(inode.dataVid(index)), false, fua))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        inode.setDataVid(index, previous);
                    }
                });
    }

    private CompletableFuture<Void> inTurn(Inode inode, int index,
                                           java.util.function.Supplier<CompletableFuture<Void>> task) {
        return serializer.submit(ObjectId.data(inode.vid(), index), () -> {
            if (inode.deleted()) {
                return CompletableFuture.failedFuture(
                        new SheepException(ResultCode.NO_VDI, "VDI " + inode.record().name() + " was deleted"));
            }
            return task.get();
        });
    }

    private static long objectLength(Inode inode, int index) {
        return Math.min(ObjectLayout.OBJECT_SIZE, inode.size() - (long) index * ObjectLayout.OBJECT_SIZE);
    }

    private static CompletableFuture<Void> checkRange(Inode inode, long offset, long length) {
        if (inode.deleted()) {
            return CompletableFuture.failedFuture(
                    new SheepException(ResultCode.NO_VDI, "VDI " + inode.record().name() + " was deleted"));
        }
        if (offset < 0 || length < 0 || offset + length > inode.size() || offset + length < 0) {
            return CompletableFuture.failedFuture(new SheepException(ResultCode.INVALID_PARAMS,
                    "range " + offset + "+" + length + " is outside VDI " + inode.record().name() + " of "
                            + inode.size() + " bytes"));
        }
        return null;
    }

    private static CompletableFuture<Void> all(List<CompletableFuture<Void>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /** Merges consecutive pieces of the same allocation state. */
    private static final class ExtentBuilder {
        private final List<Extent> extents = new ArrayList<>();
        private long runLength;
        private boolean runAllocated;

        void add(long length, boolean allocated) {
            if (runLength > 0 && allocated != runAllocated) {
                flushRun();
            }
            runAllocated = allocated;
            runLength += length;
        }

        List<Extent> build() {
            if (runLength > 0) {
                flushRun();
            }
            return extents;
        }

        private void flushRun() {
            extents.add(new Extent(runLength, !runAllocated, !runAllocated));
            runLength = 0;
        }
    }
}
