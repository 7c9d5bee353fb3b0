package io.sheepdog.daemon.vdi;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.cluster.ClusterState;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.gateway.StoreErrors;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.StoreException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VDI service of a sheep: creates, lists and deletes VDIs, keeps every VDI's inode in memory (loaded at
 * start), and serves VDI-level I/O through {@link VdiIo}. Administrative calls are serialized by one lock; I/O
 * calls never take it.
 */
public final class VdiService implements VdiOps {
    private static final Logger LOG = LoggerFactory.getLogger(VdiService.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 120;
    /** Sheepdog's limit on copies (SD_MAX_COPIES). */
    public static final int MAX_COPIES = 31;

    private final ClusterState cluster;
    private final VdiTable table;
    private final ObjectGateway gateway;
    private final VdiIo io;
    private final Clock clock;
    private final Map<Integer, Inode> inodes = new ConcurrentHashMap<>();
    private final Object adminLock = new Object();

    public VdiService(ClusterState cluster, VdiTable table, ObjectGateway gateway, VdiIo io, Clock clock) {
        this.cluster = cluster;
        this.table = table;
        this.gateway = gateway;
        this.io = io;
        this.clock = clock;
    }

    /** Loads the inode of every VDI in the table; a VDI whose inode cannot be read is logged and left out. */
    public void loadInodes() {
        for (VdiRecord r : table.all()) {
            try {
                inodes.put(r.vid(), loadInode(r));
            } catch (SheepException e) {
                LOG.error("VDI {} (id {}) is unavailable: its inode object cannot be read: {}", r.name(),
                        Integer.toHexString(r.vid()), e.getMessage());
            }
        }
        LOG.info("loaded {} VDIs", inodes.size());
    }

    /** The inode of a VDI by name, for the NBD export of that name. */
    public Optional<Inode> inode(String name) {
        return table.byName(name).map(r -> inodes.get(r.vid()));
    }

    public VdiIo io() {
        return io;
    }

    @Override
    public VdiInfo create(String name, long size, int copies) throws SheepException {
        cluster.requireFormatted();
        String bad = VdiRecord.checkName(name);
        if (bad != null) {
            throw new SheepException(ResultCode.INVALID_PARAMS, bad);
        }
        if (size <= 0 || size > InodeLayout.MAX_VDI_SIZE) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "VDI size must be between 1 byte and "
                    + InodeLayout.MAX_VDI_SIZE + " bytes, not " + size);
        }
        if (copies < 0 || copies > MAX_COPIES) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "copies must be between 1 and " + MAX_COPIES);
        }
        synchronized (adminLock) {
            if (table.byName(name).isPresent()) {
                throw new SheepException(ResultCode.VDI_EXISTS, "VDI " + name + " already exists");
            }
            OptionalInt vid = VdiIds.allocate(name, table::vidInUse);
            if (vid.isEmpty()) {
                throw new SheepException(ResultCode.FULL_VDI, "no free VDI id is left");
            }
            VdiRecord r = new VdiRecord(name, vid.getAsInt(), size, clock.millis(),
                    copies == 0 ? cluster.copies() : copies, 0, "", 0);
            Inode inode = Inode.empty(r);
            long oid = ObjectId.inode(r.vid());
            // The inode object first, durably; only then the table entry that makes the VDI exist.
            await(gateway.write(oid, 0, InodeCodec.encodeHeader(r), true, true), "write inode of " + name);
            putRecord(r);
            inodes.put(r.vid(), inode);
            LOG.info("created VDI {} id {} size {} copies {}", name, Integer.toHexString(r.vid()), size, r.copies());
            return info(inode);
        }
    }

    @Override
    public List<VdiInfo> list() throws SheepException {
        cluster.requireFormatted();
        List<VdiInfo> out = new ArrayList<>();
        for (VdiRecord r : table.all()) {
            Inode inode = inodes.get(r.vid());
            out.add(inode != null ? info(inode) : toInfo(r, 0, 0));
        }
        return out;
    }

    @Override
    public VdiInfo lookup(String name) throws SheepException {
        cluster.requireFormatted();
        return info(requireInode(name));
    }

    @Override
    public void delete(String name) throws SheepException {
        cluster.requireFormatted();
        synchronized (adminLock) {
            VdiRecord r = table.byName(name).orElseThrow(() -> noVdi(name));
            Inode inode = inodes.remove(r.vid());
            removeRecord(r);
            if (inode != null) {
                inode.markDeleted();
                for (int i = 0; i < inode.objectCount(); i++) {
                    if (inode.dataVid(i) == r.vid()) {
                        await(gateway.remove(ObjectId.data(r.vid(), i)), "remove object " + i + " of " + name);
                    }
                }
            }
            await(gateway.remove(ObjectId.inode(r.vid())), "remove inode of " + name);
            LOG.info("deleted VDI {} id {}", name, Integer.toHexString(r.vid()));
        }
    }

    /** Deletes every VDI (a forced re-format). */
    public void deleteAll() throws SheepException {
        for (VdiRecord r : table.all()) {
            delete(r.name());
        }
    }

    @Override
    public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        Inode inode = inodes.get(vid);
        return inode == null ? CompletableFuture.failedFuture(noVdi(vid)) : io.read(inode, offset, length);
    }

    @Override
    public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        Inode inode = inodes.get(vid);
        return inode == null ? CompletableFuture.failedFuture(noVdi(vid)) : io.write(inode, offset, data, fua);
    }

    @Override
    public CompletableFuture<Void> flush(int vid) {
        return inodes.containsKey(vid) ? io.flush() : CompletableFuture.failedFuture(noVdi(vid));
    }

    private Inode requireInode(String name) throws SheepException {
        VdiRecord r = table.byName(name).orElseThrow(() -> noVdi(name));
        Inode inode = inodes.get(r.vid());
        if (inode == null) {
            throw new SheepException(ResultCode.EIO, "VDI " + name + " is unavailable: its inode could not be read");
        }
        return inode;
    }

    private Inode loadInode(VdiRecord r) throws SheepException {
        long oid = ObjectId.inode(r.vid());
        ByteBuffer header = ByteBuffer.allocate(InodeLayout.HEADER_SIZE);
        await(gateway.read(oid, 0, header), "read inode header of " + r.name());
        header.flip();
        VdiRecord stored;
        try {
            stored = InodeCodec.decodeHeader(header);
        } catch (IllegalArgumentException e) {
            throw new SheepException(ResultCode.EIO, "inode of " + r.name() + ": " + e.getMessage());
        }
        if (stored.vid() != r.vid() || stored.size() != r.size()) {
            throw new SheepException(ResultCode.EIO, "inode of " + r.name() + " does not match the VDI table");
        }
        int count = InodeLayout.objectCount(r.size());
        ByteBuffer map = ByteBuffer.allocate(count * InodeLayout.MAP_ENTRY_SIZE);
        await(gateway.read(oid, InodeLayout.MAP_OFFSET, map), "read object map of " + r.name());
        map.flip();
        return new Inode(r, InodeCodec.decodeMap(map, count));
    }

    private VdiInfo info(Inode inode) {
        long[] ownedShared = inode.ownedAndShared();
        return toInfo(inode.record(), ownedShared[0] * ObjectLayout.OBJECT_SIZE,
                ownedShared[1] * ObjectLayout.OBJECT_SIZE);
    }

    private static VdiInfo toInfo(VdiRecord r, long used, long shared) {
        return new VdiInfo(r.name(), r.vid(), r.size(), used, shared, r.createdMillis(), r.copies(), r.snapshotId(),
                r.tag(), r.parentVid());
    }

    private void putRecord(VdiRecord r) throws SheepException {
        try {
            table.put(r);
        } catch (StoreException e) {
            throw StoreErrors.toSheep(e);
        }
    }

    private void removeRecord(VdiRecord r) throws SheepException {
        try {
            table.remove(r);
        } catch (StoreException e) {
            throw StoreErrors.toSheep(e);
        }
    }

    private static SheepException noVdi(String name) {
        return new SheepException(ResultCode.NO_VDI, "VDI " + name + " does not exist");
    }

    private static SheepException noVdi(int vid) {
        return new SheepException(ResultCode.NO_VDI, "no VDI with id " + Integer.toHexString(vid));
    }

    /** Waits for an administrative step; failures keep their result code. */
    static <T> T await(CompletableFuture<T> f, String what) throws SheepException {
        try {
            return f.get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SheepException se) {
                throw new SheepException(se.result(), what + ": " + se.getMessage(), se);
            }
            throw new SheepException(ResultCode.EIO, what + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new SheepException(ResultCode.EIO, what + ": timed out after " + ADMIN_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SheepException(ResultCode.SHUTDOWN, what + ": interrupted");
        }
    }
}
