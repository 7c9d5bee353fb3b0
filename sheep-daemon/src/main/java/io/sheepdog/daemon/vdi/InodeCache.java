package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.store.ObjectId;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inodes this node has loaded, by VDI id. An inode is read from its (replicated) inode object on first use and
 * kept; a failed load is forgotten so the next use tries again. Map entries that other gateways add later are
 * learned on demand by {@link VdiIo}.
 */
final class InodeCache {
    private final ObjectGateway gateway;
    private final Map<Integer, Cached> inodes = new ConcurrentHashMap<>();

    /** An inode, loaded or loading, and the table entry it was loaded for. */
    private record Cached(VdiEntry entry, CompletableFuture<Inode> inode) {
    }

    InodeCache(ObjectGateway gateway) {
        this.gateway = gateway;
    }

    /**
     * The inode of {@code entry}, loading it if needed. A cached inode is used only if it was loaded for this very
     * table entry: a VDI the table changed since (deleted and created again through another node, say) is loaded
     * anew.
     */
    CompletableFuture<Inode> get(VdiEntry entry) {
        Cached c = inodes.compute(entry.vid(),
                (vid, cached) -> cached != null && cached.entry().equals(entry) ? cached : new Cached(entry,
                        load(entry)));
        c.inode().whenComplete((inode, e) -> {
            if (e != null) {
                inodes.remove(entry.vid(), c);
            }
        });
        return c.inode();
    }

    /** The inode if it is loaded already. */
    Inode loaded(int vid) {
        Cached c = inodes.get(vid);
        CompletableFuture<Inode> f = c == null ? null : c.inode();
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /** Registers the inode of a VDI this node just created. */
    void put(Inode inode) {
        inodes.put(inode.vid(), new Cached(inode.record(), CompletableFuture.completedFuture(inode)));
    }

    /** Forgets a VDI whose table entry changed; whoever holds its inode looks its name up again. */
    void supersede(int vid) {
        Cached c = inodes.remove(vid);
        if (c != null) {
            c.inode().thenAccept(Inode::markSuperseded);
        }
    }

    /** Forgets a deleted VDI; I/O still holding its inode fails from now on. */
    void remove(int vid) {
        Cached c = inodes.remove(vid);
        if (c != null) {
            c.inode().thenAccept(Inode::markDeleted);
        }
    }

    /**
     * The object map as the inode object holds it now, without touching the cached inode: other gateways may have
     * allocated (or discarded) objects since this node loaded it. For figures such as Used and Shared.
     */
    CompletableFuture<int[]> readMap(VdiEntry entry) {
        int count = InodeLayout.objectCount(entry.size());
        ByteBuffer map = ByteBuffer.allocate(count * InodeLayout.MAP_ENTRY_SIZE);
        return gateway.read(ObjectId.inode(entry.vid()), InodeLayout.MAP_OFFSET, map).thenApply(v -> {
            map.flip();
            return InodeCodec.decodeMap(map, count);
        });
    }

    /**
     * Entries {@code [from, to)} of the object map as the inode object holds them now, like {@link #readMap}; those
     * past the VDI's object count are 0.
     */
    CompletableFuture<int[]> readMap(VdiEntry entry, int from, int to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("map range [" + from + ", " + to + ")");
        }
        int end = Math.min(to, InodeLayout.objectCount(entry.size()));
        if (end <= from) {
            return CompletableFuture.completedFuture(new int[to - from]);
        }
        ByteBuffer map = ByteBuffer.allocate((end - from) * InodeLayout.MAP_ENTRY_SIZE);
        return gateway.read(ObjectId.inode(entry.vid()), InodeLayout.mapEntryOffset(from), map).thenApply(v -> {
            map.flip();
            int[] read = InodeCodec.decodeMap(map, end - from);
            return read.length == to - from ? read : Arrays.copyOf(read, to - from);
        });
    }

    private CompletableFuture<Inode> load(VdiEntry entry) {
        long oid = ObjectId.inode(entry.vid());
        ByteBuffer header = ByteBuffer.allocate(InodeLayout.HEADER_SIZE);
        int count = InodeLayout.objectCount(entry.size());
        ByteBuffer map = ByteBuffer.allocate(count * InodeLayout.MAP_ENTRY_SIZE);
        return gateway.read(oid, 0, header)
                .thenCompose(v -> gateway.read(oid, InodeLayout.MAP_OFFSET, map))
                .thenApply(v -> {
                    header.flip();
                    map.flip();
                    VdiEntry stored;
                    try {
                        stored = InodeCodec.decodeHeader(header);
                    } catch (IllegalArgumentException e) {
                        throw new java.util.concurrent.CompletionException(new SheepException(ResultCode.EIO,
                                "inode of VDI " + entry.name() + ": " + e.getMessage()));
                    }
                    // The table is the authority on everything else (size, snapshot number, tag): a resize or a
                    // snapshot commits there first and rewrites the header after.
                    if (stored.vid() != entry.vid()) {
                        throw new java.util.concurrent.CompletionException(new SheepException(ResultCode.EIO,
                                "inode object of VDI " + entry.name() + " does not match the VDI table"));
                    }
                    return new Inode(entry, InodeCodec.decodeMap(map, count));
                });
    }
}
