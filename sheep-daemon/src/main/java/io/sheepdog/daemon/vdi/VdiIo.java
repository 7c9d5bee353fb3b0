package io.sheepdog.daemon.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.gateway.WritePermit;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.nbd.Extent;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Byte-range I/O on a VDI: splits each request into object requests, creates data objects on their first write
 * and records them in the inode, copies an object shared with a parent before changing it (copy-on-write), and
 * answers allocation queries from the inode and the objects' block maps. Other gateways change the same map: which
 * entries are trusted from memory and which are read anew is {@link MapCoherence}'s rule.
 *
 * <p>Ordering: every task that may change data object {@code i} of a VDI, or its map entry, runs in the
 * {@link KeyedSerializer} turn of that object, so two writes racing on an unallocated object cannot both create
 * it. Map entries are persisted in the turn of the inode object. Reads need no turn: they see either the old or the
 * new state of a racing write, which is what a block device promises.
 */
public final class VdiIo {
    /** Allocated objects whose block maps one block status request may look at before it answers (partially). */
    private static final int MAX_STATUS_OBJECT_LOOKUPS = 64;
    /** One block of zeroes, read-only (duplicated for every use). */
    private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(ObjectLayout.BLOCK_SIZE).asReadOnlyBuffer();

    private final ObjectGateway gateway;
    private final KeyedSerializer serializer;
    private final ByteBufAllocator allocator;
    private final MapCoherence map;
    private final IntConsumer ancestorUnmapped;
    private final WriteFence fence;

    public VdiIo(ObjectGateway gateway, KeyedSerializer serializer, ByteBufAllocator allocator) {
        this(gateway, serializer, allocator, vid -> { });
    }

    /**
     * @param ancestorUnmapped told the id of an ancestor whenever a map entry stops pointing at one of its objects
     *                         (copied up by a first write, or discarded whole): if the ancestor is a deleted snapshot,
     *                         nothing may read that object any more
     */
    public VdiIo(ObjectGateway gateway, KeyedSerializer serializer, ByteBufAllocator allocator,
                 IntConsumer ancestorUnmapped) {
        this.gateway = gateway;
        this.serializer = serializer;
        this.allocator = allocator;
        this.map = new MapCoherence(gateway);
        this.ancestorUnmapped = ancestorUnmapped;
        this.fence = new WriteFence();
    }

    /** {@code base} writing through {@code gateway}: the same turns, map, snapshot fence and allocator. */
    private VdiIo(VdiIo base, ObjectGateway gateway) {
        this.gateway = gateway;
        this.serializer = base.serializer;
        this.allocator = base.allocator;
        this.map = base.map;
        this.ancestorUnmapped = base.ancestorUnmapped;
        this.fence = base.fence;
    }

    /**
     * This I/O with every object change it makes (data, copies up, map entries) carrying {@code permit}, which is
     * asked before each attempt: the writes of one lock holder ({@code WriteAttachment#permit}).
     */
    public VdiIo permitted(WritePermit permit) {
        return permit == WritePermit.ALWAYS ? this : new VdiIo(this, gateway.permitted(permit));
    }

    /** Reads {@code length} bytes at {@code offset}; the caller releases the buffer. */
    public CompletableFuture<ByteBuf> read(Inode inode, long offset, int length) {
        CompletableFuture<Void> check = checkRange(inode, offset, length);
        if (check != null) {
            return check.thenApply(v -> null);
        }
        return map.refreshUnowned(inode, offset, length).thenCompose(v -> readMapped(inode, offset, length));
    }

    private CompletableFuture<ByteBuf> readMapped(Inode inode, long offset, int length) {
        ByteBuf buf = allocator.directBuffer(length, length);
        buf.writerIndex(length);
        List<CompletableFuture<Void>> parts = new ArrayList<>(2);
        ObjectRange.forEachPiece(offset, length, (index, objOff, n, at) ->
                parts.add(readPiece(inode, index, objOff, buf, (int) at, (int) n, 0)));
        return all(parts).handle((v, e) -> {
            if (e != null) {
                buf.release();
                throw Futures.propagate(e);
            }
            return buf;
        });
    }

    private CompletableFuture<Void> readPiece(Inode inode, int index, long objOff, ByteBuf buf, int at, int n,
                                              int attempt) {
        int owner = inode.dataVid(index);
        if (owner == 0) {
            buf.setZero(at, n);
            return CompletableFuture.completedFuture(null);
        }
        return map.whenMissing(inode, index, owner, attempt,
                gateway.read(ObjectId.data(owner, index), objOff, buf.nioBuffer(at, n)),
                () -> readPiece(inode, index, objOff, buf, at, n, attempt + 1));
    }

    /** Writes the readable bytes of {@code data} at {@code offset}. The caller keeps ownership of {@code data}. */
    public CompletableFuture<Void> write(Inode inode, long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        CompletableFuture<Void> check = checkRange(inode, offset, length);
        if (check != null) {
            return check;
        }
        data.retain(); // a write held back by a snapshot's fence still has its payload when it runs
        return fenced(inode, () -> writeRange(inode, offset, data, fua)).whenComplete((v, e) -> data.release());
    }

    private CompletableFuture<Void> writeRange(Inode inode, long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        List<CompletableFuture<Void>> parts = new ArrayList<>(2);
        int base = data.readerIndex();
        ObjectRange.forEachPiece(offset, length, (index, objOff, n, at) -> {
            ByteBuf piece = directPiece(data, base + (int) at, (int) n);
            ByteBuffer src = piece.nioBuffer();
            parts.add(inTurn(inode, index, () -> writePiece(inode, index, objOff, src, fua, 0))
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
        return fenced(inode, () -> zeroRange(inode, offset, length, discard, fua));
    }

    /**
     * Runs a change of {@code inode}'s VDI once its {@link WriteFence} admits it. A change held back while a snapshot
     * froze the VDI finds the inode superseded when it is let in: it fails READONLY without touching the snapshot,
     * and the NBD connection runs it again on the name's new working VDI.
     */
    private CompletableFuture<Void> fenced(Inode inode, Supplier<CompletableFuture<Void>> change) {
        int vid = inode.vid();
        return fence.enter(vid).thenCompose(v -> {
            if (inode.superseded()) {
                fence.leave(vid);
                return CompletableFuture.failedFuture(new SheepException(ResultCode.READONLY, "VDI "
                        + inode.record().name() + " was snapshotted while this write waited; it is read-only now"));
            }
            CompletableFuture<Void> f;
            try {
                f = change.get();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            return f.whenComplete((x, e) -> fence.leave(vid));
        });
    }

    /**
     * Copies every object the VDI still shares with an ancestor into an object of its own, each in its object's
     * turn and through the write fence like any write, so afterwards nothing of the VDI is read from an ancestor.
     */
    public CompletableFuture<Void> copyAllUp(Inode inode) {
        return fenced(inode, () -> {
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (int i = 0; i < inode.objectCount(); i++) {
                int index = i;
                int owner = inode.dataVid(i);
                if (owner != 0 && owner != inode.vid()) {
                    parts.add(inTurn(inode, index, () -> {
                        int now = inode.dataVid(index);
                        return now != 0 && now != inode.vid() ? copyUp(inode, index, now, false)
                                : CompletableFuture.completedFuture(null);
                    }));
                }
            }
            return all(parts);
        });
    }

    /** This node's fence of VDI writes, which snapshots close and open. */
    WriteFence fence() {
        return fence;
    }

    private CompletableFuture<Void> zeroRange(Inode inode, long offset, long length, boolean discard, boolean fua) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        ObjectRange.forEachPiece(offset, length, (index, objOff, n, at) ->
                parts.add(inTurn(inode, index, () -> zeroPiece(inode, index, objOff, n, discard, fua, 0))));
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
        return map.refreshUnowned(inode, offset, length)
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
            long from = p;
            // Null: the entry changed (another gateway dropped the object): look at it again, as one more lookup.
            return map.whenMissing(inode, index, owner, 0, gateway.allocation(ObjectId.data(owner, index)),
                            () -> CompletableFuture.<BitSet>completedFuture(null))
                    .thenCompose(bits -> {
                        if (bits == null) {
                            return statusFrom(inode, from, end, out, lookups + 1);
                        }
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

    /**
     * Writes one object piece in the object's turn. An entry that does not name this VDI is read anew first (another
     * gateway may have allocated or copied the object); an owned object that no replica holds any more makes the
     * entry be read anew, and the piece written as it says now ({@link MapCoherence}).
     */
    private CompletableFuture<Void> writePiece(Inode inode, int index, long objOff, ByteBuffer src, boolean fua,
                                               int attempt) {
        if (inode.dataVid(index) == inode.vid()) {
            return writeAs(inode, index, objOff, src, fua, attempt);
        }
        return map.refresh(inode, index, 1).thenCompose(v -> writeAs(inode, index, objOff, src, fua, attempt));
    }

    private CompletableFuture<Void> writeAs(Inode inode, int index, long objOff, ByteBuffer src, boolean fua,
                                            int attempt) {
        int vid = inode.vid();
        int owner = inode.dataVid(index);
        long oid = ObjectId.data(vid, index);
        if (owner == 0) {
            return gateway.write(oid, objOff, src.duplicate(), WriteMode.CREATE, fua)
                    .thenCompose(w -> setMap(inode, index, vid, fua));
        }
        CompletableFuture<Void> own = owner == vid ? CompletableFuture.completedFuture(null)
                : copyUp(inode, index, owner, fua);
        return own.thenCompose(v -> map.whenMissing(inode, index, vid, attempt,
                gateway.write(oid, objOff, src.duplicate(), WriteMode.EXISTING, fua),
                () -> writePiece(inode, index, objOff, src, fua, attempt + 1)));
    }

    /** Zeroes one object piece in the object's turn; entries are learned as for {@link #writePiece}. */
    private CompletableFuture<Void> zeroPiece(Inode inode, int index, long objOff, long n, boolean discard,
                                              boolean fua, int attempt) {
        if (inode.dataVid(index) == inode.vid()) {
            return zeroAs(inode, index, objOff, n, discard, fua, attempt);
        }
        return map.refresh(inode, index, 1).thenCompose(v -> zeroAs(inode, index, objOff, n, discard, fua, attempt));
    }

    private CompletableFuture<Void> zeroAs(Inode inode, int index, long objOff, long n, boolean discard,
                                           boolean fua, int attempt) {
        int vid = inode.vid();
        int owner = inode.dataVid(index);
        long oid = ObjectId.data(vid, index);
        boolean whole = objOff == 0 && n == objectLength(inode, index);
        if (owner == 0) {
            if (discard) {
                return CompletableFuture.completedFuture(null); // reads as zeroes already
            }
            // Allocated zeroes (NO_HOLE) in an object never written: create it with the range's first zeroes (a
            // replica zeroes only an object it holds), then allocate the rest.
            int head = (int) Math.min(n, ZEROES.capacity());
            return gateway.write(oid, objOff, ZEROES.duplicate().limit(head), WriteMode.CREATE, false)
                    .thenCompose(v -> gateway.zero(oid, objOff, n, false, fua))
                    .thenCompose(v -> setMap(inode, index, vid, fua));
        }
        if (owner != vid) {
            if (discard && whole) {
                // The ancestor's object stays: it is the ancestor's data (unless the ancestor is deleted).
                return setMap(inode, index, 0, fua).thenRun(() -> ancestorUnmapped.accept(owner));
            }
            return copyUp(inode, index, owner, fua).thenCompose(v -> zeroOwned(inode, index, objOff, n, discard,
                    fua, attempt));
        }
        return discard && whole ? dropObject(inode, index, fua, attempt)
                : zeroOwned(inode, index, objOff, n, discard, fua, attempt);
    }

    private CompletableFuture<Void> zeroOwned(Inode inode, int index, long objOff, long n, boolean discard,
                                              boolean fua, int attempt) {
        return map.whenMissing(inode, index, inode.vid(), attempt,
                gateway.zero(ObjectId.data(inode.vid(), index), objOff, n, discard, fua),
                () -> zeroPiece(inode, index, objOff, n, discard, fua, attempt + 1));
    }

    /**
     * Discards a whole object this VDI owns: deallocates its blocks, clears its map entry, removes it. Each step
     * leaves the object reading as zeroes through every gateway, whatever that gateway has cached: one that still
     * maps the object reads its empty blocks until it is removed, then finds it missing and learns the entry anew.
     * A crash between the steps leaves an empty object, mapped or not, never old data.
     */
    private CompletableFuture<Void> dropObject(Inode inode, int index, boolean fua, int attempt) {
        long oid = ObjectId.data(inode.vid(), index);
        return zeroOwned(inode, index, 0, objectLength(inode, index), true, fua, attempt)
                .thenCompose(v -> inode.dataVid(index) == inode.vid() ? setMap(inode, index, 0, fua)
                        .thenCompose(w -> gateway.remove(oid)) : CompletableFuture.completedFuture(null));
    }

    /** Copies the shared object {@code index} of ancestor {@code owner} into an object of this VDI. */
    private CompletableFuture<Void> copyUp(Inode inode, int index, int owner, boolean fua) {
        int len = (int) objectLength(inode, index);
        ByteBuf copy = allocator.directBuffer(len, len);
        long target = ObjectId.data(inode.vid(), index);
        return gateway.read(ObjectId.data(owner, index), 0, copy.nioBuffer(0, len))
                .thenCompose(v -> gateway.write(target, 0, copy.nioBuffer(0, len), WriteMode.CREATE_ONLY, fua))
                .thenCompose(v -> setMap(inode, index, inode.vid(), fua))
                .thenRun(() -> ancestorUnmapped.accept(owner))
                .whenComplete((v, e) -> copy.release());
    }

    /**
     * Sets a map entry in memory at once and persists it in the inode object's turn; undone if that fails. The value
     * persisted is {@code dataVid}, not what memory holds when the turn comes: a read relearning the entry outside
     * the object's turn may meanwhile have put back an older persisted value (MapEntryRaceTest), and writing that
     * would map an object a discard is about to remove.
     */
    private CompletableFuture<Void> setMap(Inode inode, int index, int dataVid, boolean fua) {
        int previous = inode.dataVid(index);
        inode.setDataVid(index, dataVid);
        long inodeOid = ObjectId.inode(inode.vid());
        return serializer.submit(inodeOid, () -> gateway.write(inodeOid, InodeLayout.mapEntryOffset(index),
                        InodeCodec.encodeMapEntry(dataVid), WriteMode.EXISTING, fua))
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
            if (!inode.record().isWorking()) {
                return CompletableFuture.failedFuture(new SheepException(ResultCode.READONLY, "VDI "
                        + inode.record().name() + " snapshot " + inode.record().snapshotId() + " is read-only"));
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
