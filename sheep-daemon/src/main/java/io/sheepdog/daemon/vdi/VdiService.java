package io.sheepdog.daemon.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.Redundancy;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.meta.LockHolder;
import io.sheepdog.membership.meta.VdiLock;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.time.Clock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VDI service of a sheep. The VDI table is the replicated cluster metadata, the same on every node; inode
 * objects are ordinary (replicated) objects, loaded into an {@link InodeCache} on first use. Administrative calls
 * block (callers run them off the event loop); I/O calls are asynchronous.
 *
 * <p>This node applies a metadata commit a moment after the node that made it answered its client, so a VDI created
 * through another node may be missing here for a few milliseconds. A name or id this node does not know, or a format
 * it has not seen, is looked up again after a read barrier ({@link ClusterMetadataService#sync()}), which costs a
 * round trip to the metadata leader; what it knows costs nothing extra. Listing, creating and deleting always pass
 * the barrier first.
 */
public final class VdiService implements VdiOps, MetadataListener {
    private static final Logger LOG = LoggerFactory.getLogger(VdiService.class);

    private final ClusterMetadataService metadata;
    private final ObjectGateway gateway;
    private final VdiIo io;
    private final Clock clock;
    private final VdiCopies copies;
    private final VdiTimeouts timeouts;
    private final InodeCache inodes;
    private final Object adminLock = new Object();
    private final ExecutorService reclaimer;
    private final SnapshotFreezer freezer;
    private final Set<Integer> reclaimPending = ConcurrentHashMap.newKeySet();

    /**
     * @param serializer orders the requests of the VDI I/O ({@link VdiIo}, built here: it tells this service when a
     *                   write stops sharing an object of a deleted snapshot)
     * @param copies     the copy counts {@code gateway} places objects by; told of the VDIs this service creates
     * @param timeouts   how long each step may be waited for
     * @param freezer    stops the other nodes' writes to a VDI while it is snapshotted
     */
    public VdiService(ClusterMetadataService metadata, ObjectGateway gateway, KeyedSerializer serializer,
                      ByteBufAllocator allocator, Clock clock, VdiCopies copies, VdiTimeouts timeouts,
                      SnapshotFreezer freezer) {
        this.metadata = metadata;
        this.gateway = gateway;
        this.io = new VdiIo(gateway, serializer, allocator, this::ancestorUnmapped);
        this.clock = clock;
        this.copies = copies;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.freezer = Objects.requireNonNull(freezer, "freezer");
        this.inodes = new InodeCache(gateway);
        ThreadPoolExecutor t = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread th = new Thread(r, "sheep-reclaim");
            th.setDaemon(true);
            return th;
        });
        this.reclaimer = t;
        metadata.addListener(this);
    }

    /**
     * Frees, in the background, the objects of every deleted snapshot kept for the VDIs made from it that none of
     * them reads any more: what a crash between a delete's commit and its removals (or a lost background reclaim)
     * left. The metadata leader calls it every {@code reclaimSweep}; any node may, the removals are idempotent.
     */
    public void reclaimHidden() {
        for (VdiEntry e : metadata.state().vdis().values()) {
            if (e.deleted()) {
                ancestorUnmapped(e.vid());
            }
        }
    }

    /**
     * A map entry stopped pointing at an object of {@code ownerVid}. If that VDI is a deleted snapshot kept for the
     * VDIs made from it, the object may be read by nothing now: its reclaim runs again in the background (once for
     * any number of hints that arrive meanwhile).
     */
    private void ancestorUnmapped(int ownerVid) {
        Optional<VdiEntry> owner = metadata.state().vdi(ownerVid);
        if (owner.isEmpty() || !owner.get().deleted() || !reclaimPending.add(ownerVid)) {
            return;
        }
        try {
            reclaimer.execute(() -> {
                reclaimPending.remove(ownerVid);
                try {
                    synchronized (adminLock) {
                        MetadataState state = synced();
                        Optional<VdiEntry> now = state.vdi(ownerVid);
                        if (now.isPresent() && now.get().deleted()) {
                            int freed = reclaim(now.get(), state, state);
                            LOG.debug("reclaimed {} objects of deleted id {}", freed, Integer.toHexString(ownerVid));
                        }
                    }
                } catch (SheepException e) {
                    LOG.warn("objects of deleted id {} stay behind for now: {}", Integer.toHexString(ownerVid),
                            e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            reclaimPending.remove(ownerVid);
        }
    }

    @Override
    public void applied(MetadataCommand command, CommandResult result, MetadataState after) {
        if (!result.ok()) {
            return;
        }
        if (command instanceof MetadataCommand.DeleteVdi d) {
            inodes.remove(d.vid());
        } else if (command instanceof MetadataCommand.SnapshotVdi c) {
            // Writes held back for this snapshot now find their inode superseded: they go to the new working VDI.
            inodes.supersede(c.workingVid());
            io.fence().open(c.workingVid());
        } else if (command instanceof MetadataCommand.RollbackVdi r) {
            inodes.supersede(r.workingVid());
        } else if (command instanceof MetadataCommand.ResizeVdi r) {
            inodes.supersede(r.vid());
        } else if (command instanceof MetadataCommand.FlattenVdi f) {
            inodes.supersede(f.vid());
        }
    }

    /**
     * The inode an NBD export name stands for, waiting a bounded time for a load: the working VDI of that name, or,
     * for {@code NAME@TAG} and {@code NAME@ID}, that snapshot of NAME (read-only). A working VDI whose name holds an
     * {@code @} wins over a snapshot of the part before it. The name is looked up after a read barrier, so an open
     * sees every change committed before it anywhere: the VDI may have been deleted, or deleted and created again,
     * through another node a moment ago.
     */
    public Optional<Inode> inode(String exportName) {
        return inodeAsync(exportName).join();
    }

    /**
     * {@link #inode(String)} without blocking the caller: what an NBD handshake uses, on an event loop that must not
     * wait. Completes (never exceptionally) on the thread that completes the read barrier or the inode load, or on
     * a timer's when either takes longer than its bound ({@code readBarrier}, then this node's state answers;
     * {@code inodeLoad}, then the export is not found).
     */
    public CompletableFuture<Optional<Inode>> inodeAsync(String exportName) {
        return syncedAsync().thenCompose(state -> {
            Optional<VdiEntry> entry = exportEntry(state, exportName);
            if (entry.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<Inode>empty());
            }
            // a copy: the timeout must not fail the cached load other openers share
            return inodes.get(entry.get()).copy().orTimeout(timeouts.inodeLoad().toNanos(), TimeUnit.NANOSECONDS)
                    .handle((inode, e) -> {
                        if (e != null) {
                            LOG.warn("VDI {} cannot be opened: its inode did not load: {}", exportName, e.toString());
                            return Optional.<Inode>empty();
                        }
                        return Optional.of(inode);
                    });
        });
    }

    /**
     * The table entry an NBD export name stands for, looked up after a read barrier by the rules of
     * {@link #inode(String)}, without loading its inode.
     */
    public Optional<VdiEntry> exportEntry(String exportName) {
        return exportEntry(synced(), exportName);
    }

    private static Optional<VdiEntry> exportEntry(MetadataState state, String exportName) {
        Optional<VdiEntry> entry = state.workingVdi(exportName);
        int at = exportName.lastIndexOf('@');
        if (entry.isEmpty() && at > 0) {
            entry = snapshotNamed(state, exportName.substring(0, at), exportName.substring(at + 1));
        }
        return entry;
    }

    /** The snapshots of {@code name} as this node knows them now, oldest first. */
    public List<VdiEntry> snapshots(String name) {
        return metadata.state().snapshots(name);
    }

    /** The snapshot of {@code name} that {@code ref} names ({@link SnapshotRef#parse}), as this node knows it now. */
    public Optional<VdiEntry> findSnapshot(String name, String ref) {
        return snapshotNamed(metadata.state(), name, ref);
    }

    /** The table entry of {@code vid} as this node knows it now, deleted ones kept for their children included. */
    public Optional<VdiEntry> entry(int vid) {
        return metadata.state().vdi(vid);
    }

    /**
     * Map entries {@code [from, to)} of {@code entry} as its inode object holds them now (other gateways may have
     * changed them since this node loaded the inode); indexes past the VDI's end read as 0.
     */
    public CompletableFuture<int[]> mapEntries(VdiEntry entry, int from, int to) {
        return inodes.readMap(entry, from, to);
    }

    private static Optional<VdiEntry> snapshotNamed(MetadataState state, String name, String ref) {
        SnapshotRef parsed;
        try {
            parsed = SnapshotRef.parse(ref);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return parsed.tag().isEmpty() ? state.snapshot(name, parsed.id()) : state.snapshot(name, parsed.tag());
    }

    /**
     * The inode of the working VDI {@code name} as this node knows it now, without blocking: what an NBD connection
     * turns to when the inode it holds was {@link Inode#superseded() superseded}. Fails NO_VDI if the name has no
     * working VDI any more.
     */
    public CompletableFuture<Inode> workingInode(String name) {
        Optional<VdiEntry> entry = metadata.state().workingVdi(name);
        return entry.map(inodes::get).orElseGet(() -> CompletableFuture.failedFuture(noVdi(name)));
    }

    public VdiIo io() {
        return io;
    }

    /**
     * Fails at once where no metadata change can be committed (this node reaches no majority), before an inode is
     * written for a VDI that could never be registered: that write would wait for unreachable replicas first.
     */
    private void requireMajority(String what) throws SheepException {
        ClusterStatus status = metadata.status();
        if (status.state() == ClusterStatus.State.NO_MAJORITY) {
            throw new SheepException(ResultCode.HALT, "cannot " + what + ": " + status.describe());
        }
    }

    @Override
    public VdiInfo create(String name, long size, int copies) throws SheepException {
        MetadataState state = requireFormatted();
        VdiRules.checkName(name);
        VdiRules.checkSize(size);
        // null: the cluster's default, as the table holds it when the VDI is created
        Redundancy asked = copies == 0 ? null : VdiRules.redundancy(copies);
        requireMajority("create VDI " + name);
        synchronized (adminLock) {
            // A VDI of this name created through another node a moment ago must be seen: its id would be the same,
            // and writing our inode header would overwrite that VDI's inode.
            state = synced();
            for (int attempt = 0; ; attempt++) {
                if (state.workingVdi(name).isPresent()) {
                    throw VdiRules.exists(name);
                }
                OptionalInt vid = VdiIds.allocate(name, state::vidTaken);
                if (vid.isEmpty()) {
                    throw new SheepException(ResultCode.FULL_VDI, "no free VDI id is left");
                }
                Redundancy redundancy = asked != null ? asked : state.format().redundancy();
                VdiEntry entry = new VdiEntry(name, vid.getAsInt(), size, clock.millis(), redundancy.copies(), 0, "",
                        0);
                // The inode object first, durably, on the replicas of the VDI's own copy count; only then the table
                // entry that makes the VDI exist.
                this.copies.creating(entry.vid(), entry.copies());
                try {
                    await(gateway.write(ObjectId.inode(entry.vid()), 0, InodeCodec.encodeHeader(entry),
                            WriteMode.FRESH, true), "write the inode of " + name);
                    MetadataErrors.await(metadata.createVdi(entry), timeouts.metadata(), "create VDI " + name);
                } catch (SheepException e) {
                    if (e.getCause() instanceof MetadataException me && me.outcome() == Outcome.VID_IN_USE
                            && attempt < 8) {
                        // Another node took this id for another name at the same moment: pick the next one.
                        state = metadata.state();
                        continue;
                    }
                    throw e;
                } finally {
                    this.copies.created(entry.vid());
                }
                Inode inode = Inode.empty(entry);
                inodes.put(inode);
                LOG.info("created VDI {} id {} size {} copies {}", name, Integer.toHexString(entry.vid()), size,
                        entry.copies());
                return toInfo(entry, 0, 0);
            }
        }
    }

    @Override
    public List<VdiInfo> list() throws SheepException {
        requireFormatted();
        List<VdiInfo> out = new ArrayList<>();
        for (VdiEntry e : synced().vdisByName()) {
            try {
                out.add(info(e, inodes.readMap(e).get(timeouts.inodeLoad().toNanos(), TimeUnit.NANOSECONDS)));
            } catch (ExecutionException | TimeoutException ex) {
                LOG.warn("VDI {}: inode not readable, usage unknown: {}", e.name(), ex.toString());
                out.add(toInfo(e, 0, 0));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new SheepException(ResultCode.SHUTDOWN, "interrupted");
            }
        }
        return out;
    }

    /**
     * Every VDI after the read barrier (so one created through another node a moment ago is there), without usage
     * figures: no inode is read, so NBD_OPT_LIST waits at most the barrier, not an inode load per VDI.
     */
    public List<VdiInfo> listLocal() {
        MetadataState state = synced();
        if (state.formatRecord().isEmpty()) {
            return List.of();
        }
        return state.vdisByName().stream().map(e -> toInfo(e, 0, 0)).toList();
    }

    @Override
    public VdiInfo lookup(String name) throws SheepException {
        requireFormatted();
        VdiEntry e = workingVdi(name).orElseThrow(() -> noVdi(name));
        return info(e, await(inodes.readMap(e), "read the inode of " + name));
    }

    @Override
    public void delete(String name) throws SheepException {
        requireFormatted();
        synchronized (adminLock) {
            MetadataState before = synced();
            VdiEntry e = before.workingVdi(name).orElseThrow(() -> noVdi(name));
            deleteEntry(e, before, "delete VDI " + name);
        }
    }

    @Override
    public void deleteSnapshot(String name, SnapshotRef snapshot) throws SheepException {
        requireFormatted();
        synchronized (adminLock) {
            MetadataState before = synced();
            VdiEntry e = snapshotOf(before, name, snapshot);
            deleteEntry(e, before, "delete snapshot " + snapshot + " of VDI " + name);
        }
    }

    /**
     * Commits the deletion of {@code e} (the table keeps it hidden if VDIs were made from it), then frees the objects
     * that no live VDI reads any more ({@link #reclaim}). A crash in between leaves objects of ids no live VDI reads.
     */
    private void deleteEntry(VdiEntry e, MetadataState before, String what) throws SheepException {
        MetadataState after = MetadataErrors.await(metadata.deleteVdi(e.name(), e.vid()), timeouts.metadata(), what);
        inodes.remove(e.vid());
        int freed = reclaim(e, before, after);
        LOG.info("{}: id {} {}, {} objects freed", what, Integer.toHexString(e.vid()),
                after.vdi(e.vid()).isPresent() ? "kept hidden for the VDIs made from it" : "removed", freed);
    }

    /**
     * Frees what a deletion left unread. An object {@code (A, i)} is read by a live VDI when some live descendant of
     * {@code A} (children by parent id, hidden ones walked through) maps index {@code i} to {@code A}, and only
     * descendants can map to {@code A}. Every entry on the chain from {@code deleted} up that is hidden or gone after
     * the deletion loses the objects nothing live maps to it; a gone one also its inode.
     *
     * @return the number of objects removed
     */
    private int reclaim(VdiEntry deleted, MetadataState before, MetadataState after) throws SheepException {
        Map<Integer, int[]> maps = new HashMap<>();
        int freed = 0;
        for (VdiEntry a = deleted; a != null; a = a.parentVid() == 0 ? null : before.vdis().get(a.parentVid())) {
            Optional<VdiEntry> now = after.vdi(a.vid());
            if (now.isPresent() && !now.get().deleted()) {
                continue; // live: it reads all it owns
            }
            int[] owned;
            try {
                owned = map(maps, a);
            } catch (SheepException e) {
                if (now.isEmpty() && e.result() == ResultCode.NO_OBJ) {
                    continue; // a retired id whose replicas every node's sweep removed already
                }
                throw e;
            }
            BitSet read = new BitSet(owned.length);
            for (VdiEntry live : liveDescendants(after, a.vid())) {
                int[] m = map(maps, live);
                for (int i = 0; i < Math.min(m.length, owned.length); i++) {
                    if (m[i] == a.vid()) {
                        read.set(i);
                    }
                }
            }
            for (int i = 0; i < owned.length; i++) {
                if (owned[i] == a.vid() && !read.get(i)) {
                    await(gateway.remove(ObjectId.data(a.vid(), i)), "remove object " + i + " of id "
                            + Integer.toHexString(a.vid()));
                    freed++;
                }
            }
            if (now.isEmpty()) {
                await(gateway.remove(ObjectId.inode(a.vid())), "remove the inode of id " + Integer.toHexString(a.vid()));
            }
        }
        return freed;
    }

    private int[] map(Map<Integer, int[]> maps, VdiEntry e) throws SheepException {
        int[] m = maps.get(e.vid());
        if (m == null) {
            m = await(inodes.readMap(e), "read the inode of id " + Integer.toHexString(e.vid()));
            maps.put(e.vid(), m);
        }
        return m;
    }

    private static List<VdiEntry> liveDescendants(MetadataState state, int vid) {
        List<VdiEntry> live = new ArrayList<>();
        ArrayDeque<Integer> next = new ArrayDeque<>(List.of(vid));
        while (!next.isEmpty()) {
            for (VdiEntry child : state.children(next.poll())) {
                if (!child.deleted()) {
                    live.add(child);
                }
                next.add(child.vid());
            }
        }
        return live;
    }

    @Override
    public VdiInfo snapshot(String name, String tag) throws SheepException {
        requireFormatted();
        VdiRules.checkTag(tag);
        requireMajority("snapshot VDI " + name);
        synchronized (adminLock) {
            return retrying("snapshot VDI " + name, state -> {
                VdiEntry working = state.workingVdi(name).orElseThrow(() -> noVdi(name));
                if (!tag.isEmpty() && state.snapshot(name, tag).isPresent()) {
                    throw new SheepException(ResultCode.VDI_EXISTS,
                            "VDI " + name + " already has a snapshot tagged " + tag);
                }
                VdiEntry child = new VdiEntry(name, allocate(name, state), working.size(), clock.millis(),
                        working.copies(), 0, "", working.vid());
                // Every node stops writing to the VDI and finishes what it started, so the map copied next holds
                // every acknowledged write and the snapshot none admitted after it (crash-consistent).
                freezeEverywhere(working);
                MetadataState after;
                int[] map;
                try {
                    // The child starts as a copy of the map: it reads every object from where the frozen VDI does.
                    // The frozen VDI's map is this one for good (nothing writes a snapshot), so it also gives the
                    // snapshot's Used and Shared below.
                    map = await(inodes.readMap(working), "read the inode of " + name);
                    after = register(child, map, new MetadataCommand.SnapshotVdi(name, working.vid(),
                            child.vid(), tag, child.createdMillis()), "snapshot VDI " + name);
                } catch (SheepException e) {
                    thawEverywhere(working.vid());
                    throw e;
                }
                inodes.supersede(working.vid()); // as the listener will: the next write here goes to the child
                VdiEntry frozen = after.vdi(working.vid()).orElseThrow();
                rewriteHeader(frozen);
                LOG.info("snapshot {} of VDI {}: id {} is frozen{}, id {} is the working VDI", frozen.snapshotId(),
                        name, Integer.toHexString(frozen.vid()), tag.isEmpty() ? "" : " as " + tag,
                        Integer.toHexString(child.vid()));
                return info(frozen, map);
            });
        }
    }

    @Override
    public VdiInfo clone(String source, SnapshotRef snapshot, String name) throws SheepException {
        requireFormatted();
        VdiRules.checkName(name);
        requireMajority("clone VDI " + source);
        synchronized (adminLock) {
            return retrying("clone VDI " + source + " as " + name, state -> {
                if (state.workingVdi(name).isPresent()) {
                    throw VdiRules.exists(name);
                }
                VdiEntry parent = snapshotOf(state, source, snapshot);
                VdiEntry clone = new VdiEntry(name, allocate(name, state), parent.size(), clock.millis(),
                        parent.copies(), 0, "", parent.vid());
                int[] map = await(inodes.readMap(parent), "read the inode of " + source + "@" + snapshot);
                register(clone, map, new MetadataCommand.CreateVdi(clone), "clone VDI " + source);
                LOG.info("cloned VDI {} snapshot {} as {} id {}", source, snapshot, name,
                        Integer.toHexString(clone.vid()));
                return info(clone, map);
            });
        }
    }

    @Override
    public VdiInfo rollback(String name, SnapshotRef snapshot) throws SheepException {
        requireFormatted();
        requireMajority("roll back VDI " + name);
        synchronized (adminLock) {
            return retrying("roll back VDI " + name, state -> {
                VdiEntry working = state.workingVdi(name).orElseThrow(() -> noVdi(name));
                VdiEntry target = snapshotOf(state, name, snapshot);
                VdiEntry child = new VdiEntry(name, allocate(name, state), target.size(), clock.millis(),
                        working.copies(), 0, "", target.vid());
                int[] map = await(inodes.readMap(target), "read the inode of " + name + "@" + snapshot);
                MetadataState after = register(child, map, new MetadataCommand.RollbackVdi(name, working.vid(),
                        target.vid(), child.vid(), child.createdMillis()), "roll back VDI " + name);
                // The old working VDI is gone from the table; what it owned is read by nothing (a working VDI is
                // nobody's parent), and what it shared may now be unread too.
                inodes.supersede(working.vid());
                reclaim(working, state, after);
                LOG.info("rolled VDI {} back to snapshot {}: id {} is the working VDI, id {} is deleted", name,
                        snapshot, Integer.toHexString(child.vid()), Integer.toHexString(working.vid()));
                return info(child, map);
            });
        }
    }

    @Override
    public VdiInfo resize(String name, long size, boolean force) throws SheepException {
        requireFormatted();
        VdiRules.checkSize(size);
        requireMajority("resize VDI " + name);
        synchronized (adminLock) {
            return retrying("resize VDI " + name, state -> {
                VdiEntry working = state.workingVdi(name).orElseThrow(() -> noVdi(name));
                if (size < working.size()) {
                    if (!force) {
                        throw new SheepException(ResultCode.INVALID_PARAMS, "shrinking VDI " + name + " from "
                                + working.size() + " to " + size + " bytes drops its data past " + size
                                + " bytes; add --force to do it");
                    }
                    truncate(working, size);
                }
                MetadataErrors.await(metadata.submit(new MetadataCommand.ResizeVdi(name, working.vid(), size)),
                        timeouts.metadata(),
                        "resize VDI " + name);
                // This node's listener does the same when it applies the command, maybe a moment later: the size
                // must hold for the next request through this node already.
                inodes.supersede(working.vid());
                VdiEntry resized = new VdiEntry(name, working.vid(), size, working.createdMillis(), working.copies(),
                        0, "", working.parentVid());
                rewriteHeader(resized);
                LOG.info("resized VDI {} from {} to {} bytes", name, working.size(), size);
                return info(resized, await(inodes.readMap(resized), "read the inode of " + name));
            });
        }
    }

    /**
     * Stops this node's writes to {@code vid} ({@code frozen}) or lets them in again: the peer side of a snapshot
     * taken through another node ({@link SnapshotFreezer}). A freeze returns once the writes in flight are done;
     * it lets them in by itself after three times the freeze timeout if no snapshot came.
     */
    @Override
    public void freeze(int vid, boolean frozen) throws SheepException {
        WriteFence fence = io.fence();
        if (!frozen) {
            fence.open(vid);
            return;
        }
        long generation = fence.close(vid);
        long holdNanos = timeouts.freeze().toNanos() * 3;
        CompletableFuture.delayedExecutor(holdNanos, TimeUnit.NANOSECONDS).execute(() -> {
            fence.open(vid, generation);
        });
        try {
            fence.drained(vid).get(timeouts.freeze().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            fence.open(vid, generation);
            throw new SheepException(ResultCode.EIO, "writes to VDI id " + Integer.toHexString(vid)
                    + " did not finish within " + timeouts.freeze().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fence.open(vid, generation);
            throw new SheepException(ResultCode.SHUTDOWN, "interrupted while freezing VDI id "
                    + Integer.toHexString(vid));
        }
    }

    private void freezeEverywhere(VdiEntry working) throws SheepException {
        freeze(working.vid(), true);
        try {
            freezer.freezeOthers(working.vid());
        } catch (SheepException e) {
            thawEverywhere(working.vid());
            throw new SheepException(e.result(), "snapshot of VDI " + working.name() + " not taken: "
                    + e.getMessage(), e);
        }
    }

    private void thawEverywhere(int vid) {
        io.fence().open(vid);
        freezer.thawOthers(vid);
    }

    @Override
    public VdiInfo flatten(String name) throws SheepException {
        requireFormatted();
        requireMajority("flatten VDI " + name);
        synchronized (adminLock) {
            return retrying("flatten VDI " + name, state -> {
                VdiEntry working = state.workingVdi(name).orElseThrow(() -> noVdi(name));
                if (working.parentVid() == 0) {
                    return info(working, await(inodes.readMap(working), "read the inode of " + name));
                }
                Inode inode = await(inodes.get(working), "read the inode of " + name);
                await(io.copyAllUp(inode), "copy the shared objects of " + name);
                int[] map = await(inodes.readMap(working), "read the inode of " + name);
                for (int i = 0; i < map.length; i++) {
                    if (map[i] != 0 && map[i] != working.vid()) {
                        // Another gateway's write raced the copies back in? Not possible after a full copy-up:
                        // entries only ever move to the VDI itself or to 0.
                        throw new SheepException(ResultCode.EIO, "VDI " + name + " still shares object " + i);
                    }
                }
                MetadataState after = MetadataErrors.await(metadata.submit(new MetadataCommand.FlattenVdi(name,
                        working.vid())), timeouts.metadata(), "flatten VDI " + name);
                inodes.supersede(working.vid());
                VdiEntry flat = after.vdi(working.vid()).orElseThrow();
                rewriteHeader(flat);
                // What the parent chain owned may be read by nothing now (a hidden parent, say).
                state.vdi(working.parentVid()).ifPresent(parent -> {
                    try {
                        reclaim(parent, state, after);
                    } catch (SheepException e) {
                        LOG.warn("objects the parents of VDI {} no longer share stay behind for now: {}", name,
                                e.getMessage());
                    }
                });
                LOG.info("flattened VDI {} id {}: it reads nothing from id {} any more", name,
                        Integer.toHexString(working.vid()), Integer.toHexString(working.parentVid()));
                return info(flat, map);
            });
        }
    }

    /** One attempt of a lifecycle step, against the state after a read barrier. */
    @FunctionalInterface
    private interface Attempt {
        VdiInfo run(MetadataState state) throws SheepException;
    }

    /**
     * Runs {@code attempt} again (a few times) when another node's command came first: it took the VDI id this
     * node picked (VID_IN_USE), or snapshotted, rolled back or resized the VDI meanwhile (VDI_CHANGED).
     */
    private VdiInfo retrying(String what, Attempt attempt) throws SheepException {
        for (int i = 0; ; i++) {
            try {
                return attempt.run(synced());
            } catch (SheepException e) {
                Outcome o = e.getCause() instanceof MetadataException me ? me.outcome() : null;
                if ((o == Outcome.VID_IN_USE || o == Outcome.VDI_CHANGED) && i < 8) {
                    LOG.info("{}: {}; trying again", what, e.getMessage());
                    continue;
                }
                throw e;
            }
        }
    }

    /**
     * Writes the inode of the new VDI {@code entry} (its header and {@code map}), durably, then commits
     * {@code command}, which makes it exist. If the command fails, the inode is removed again.
     */
    private MetadataState register(VdiEntry entry, int[] map, MetadataCommand command, String what)
            throws SheepException {
        copies.creating(entry.vid(), entry.copies());
        try {
            await(gateway.write(ObjectId.inode(entry.vid()), 0, InodeCodec.encode(entry, map), WriteMode.FRESH,
                    true), "write the inode of " + entry.name());
            try {
                return MetadataErrors.await(metadata.submit(command), timeouts.metadata(), what);
            } catch (SheepException e) {
                gateway.remove(ObjectId.inode(entry.vid())).exceptionally(t -> {
                    LOG.warn("the inode of unregistered VDI id {} stays behind: {}",
                            Integer.toHexString(entry.vid()), t.toString());
                    return null;
                });
                throw e;
            }
        } finally {
            copies.created(entry.vid());
        }
    }

    /** Rewrites the header of an inode whose table entry changed; the table rules, so a failure only logs. */
    private void rewriteHeader(VdiEntry entry) {
        gateway.write(ObjectId.inode(entry.vid()), 0, InodeCodec.encodeHeader(entry), WriteMode.EXISTING, true)
                .exceptionally(t -> {
                    LOG.warn("the inode header of VDI {} id {} could not be updated: {}", entry.name(),
                            Integer.toHexString(entry.vid()), t.toString());
                    return null;
                });
    }

    /**
     * Drops what lies past {@code size} in the working VDI {@code entry}: the tail of the last object is zeroed (a
     * later grow reads zeroes there), the map entries past it are cleared and the objects it owns removed.
     */
    private void truncate(VdiEntry entry, long size) throws SheepException {
        Inode inode = await(inodes.get(entry), "read the inode of " + entry.name());
        long objectEnd = Math.min(entry.size(), (long) InodeLayout.objectCount(size) * ObjectLayout.OBJECT_SIZE);
        if (objectEnd > size) {
            await(io.zero(inode, size, objectEnd - size, true, true), "zero the tail of " + entry.name());
        }
        int keep = InodeLayout.objectCount(size);
        int[] map = await(inodes.readMap(entry), "read the inode of " + entry.name());
        for (int i = keep; i < map.length; i++) {
            if (map[i] != 0) {
                await(gateway.write(ObjectId.inode(entry.vid()), InodeLayout.mapEntryOffset(i),
                        InodeCodec.encodeMapEntry(0), WriteMode.EXISTING, true),
                        "unmap object " + i + " of " + entry.name());
                if (map[i] != entry.vid()) {
                    ancestorUnmapped(map[i]);
                }
            }
        }
        removeOwned(entry, map, keep);
    }

    /** Removes the data objects from {@code fromIndex} on that {@code map} says {@code entry} owns. */
    private void removeOwned(VdiEntry entry, int[] map, int fromIndex) throws SheepException {
        for (int i = fromIndex; i < map.length; i++) {
            if (map[i] == entry.vid()) {
                await(gateway.remove(ObjectId.data(entry.vid(), i)), "remove object " + i + " of " + entry.name());
            }
        }
    }

    private static int allocate(String name, MetadataState state) throws SheepException {
        return VdiIds.allocate(name, state::vidTaken).orElseThrow(() ->
                new SheepException(ResultCode.FULL_VDI, "no free VDI id is left"));
    }

    /** The snapshot {@code ref} of {@code name}; NO_VDI if there is none. */
    private static VdiEntry snapshotOf(MetadataState state, String name, SnapshotRef ref) throws SheepException {
        Optional<VdiEntry> s = ref.tag().isEmpty() ? state.snapshot(name, ref.id()) : state.snapshot(name, ref.tag());
        return s.orElseThrow(() -> new SheepException(ResultCode.NO_VDI, state.workingVdi(name).isPresent()
                || !state.snapshots(name).isEmpty()
                ? "VDI " + name + " has no snapshot " + ref : "VDI " + name + " does not exist"));
    }

    /** Deletes every VDI (a forced re-format). */
    public void deleteAll() throws SheepException {
        for (VdiEntry e : metadata.state().vdisByName()) {
            if (e.isWorking()) {
                delete(e.name());
            }
        }
    }

    @Override
    public List<VdiLockInfo> locks() throws SheepException {
        MetadataState s = synced();
        List<VdiLockInfo> out = new ArrayList<>();
        for (VdiLock l : s.locks().values()) {
            out.add(new VdiLockInfo(l.vdi(), l.holder().client(), l.holder().node(), l.sinceMillis(), l.generation(),
                    false, l.migrateTo(), l.standbyHolder().map(LockHolder::describe).orElse("")));
        }
        for (String name : s.sharedVdis()) {
            out.add(new VdiLockInfo(name, "", "", 0, 0, true, "", ""));
        }
        out.sort(Comparator.comparing(VdiLockInfo::vdi));
        return out;
    }

    @Override
    public void unlock(String name, long generation) throws SheepException {
        requireMajority("unlock a VDI");
        VdiLock l = synced().lock(name).orElseThrow(() -> new SheepException(ResultCode.NO_LOCK,
                "VDI " + name + " is not locked"));
        await(metadata.submit(new MetadataCommand.UnlockVdi(name, generation == 0 ? l.generation() : generation)),
                "unlock VDI " + name);
        LOG.warn("the write lock of VDI {} held by {} was broken by an operator", name, l.holder().describe());
    }

    @Override
    public VdiLockInfo migrateLock(String name, String toNode) throws SheepException {
        requireMajority("migrate a VDI's lock");
        VdiLock l = synced().lock(name).orElseThrow(() -> new SheepException(ResultCode.NO_LOCK,
                "VDI " + name + " is not locked: a VM attaching through any node gets it, nothing to migrate"));
        String nodeId = toNode.isEmpty() ? "" : nodeIdOf(toNode).toString();
        await(metadata.submit(new MetadataCommand.MigrateVdiLock(name, l.generation(), nodeId)),
                "migrate the lock of VDI " + name);
        return locks().stream().filter(i -> i.vdi().equals(name) && !i.shared()).findFirst()
                .orElseThrow(() -> new SheepException(ResultCode.NO_LOCK, "VDI " + name + " was unlocked meanwhile"));
    }

    /** The id of the node listening on {@code hostPort} ("10.0.0.2:7000"). */
    private static NodeId nodeIdOf(String hostPort) throws SheepException {
        int colon = hostPort.lastIndexOf(':');
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new NumberFormatException(hostPort);
            }
            return NodeId.of(InetAddress.getByName(hostPort.substring(0, colon)), port);
        } catch (NumberFormatException | UnknownHostException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "not a node address (HOST:PORT, the node's sheep "
                    + "port): " + hostPort);
        }
    }

    @Override
    public void setShared(String name, boolean shared) throws SheepException {
        requireMajority("change a VDI's lock mode");
        await(metadata.submit(new MetadataCommand.SetVdiShared(name, shared)), "change the lock mode of VDI " + name);
    }

    @Override
    public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        return covering(vid, offset, length).thenCompose(inode -> io.read(inode, offset, length));
    }

    @Override
    public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        return covering(vid, offset, data.readableBytes()).thenCompose(inode -> unlockedIo(inode)
                .write(inode, offset, data, fua));
    }

    @Override
    public CompletableFuture<Void> zero(int vid, long offset, long length, boolean discard, boolean fua) {
        return covering(vid, offset, length).thenCompose(inode -> unlockedIo(inode)
                .zero(inode, offset, length, discard, fua));
    }

    /**
     * The I/O of a write through the sheep protocol ({@code collie vdi write}, an import), which takes no lock: its
     * object changes are refused VDI_LOCKED while a client holds the VDI's write lock, asked before the first and
     * every retry, so collie never writes under a running VM, not even one that attached while the write ran.
     */
    private VdiIo unlockedIo(Inode inode) {
        VdiEntry r = inode.record();
        if (!r.isWorking()) {
            return io;
        }
        return io.permitted(() -> {
            MetadataState s = metadata.state();
            if (!s.writeAllowed(r.name(), 0)) {
                throw new SheepException(ResultCode.VDI_LOCKED, "cannot write VDI " + r.name()
                        + " while it is attached: " + s.lock(r.name()).map(VdiLock::describe).orElse(""));
            }
        });
    }

    @Override
    public CompletableFuture<Void> flush(int vid) {
        return withInode(vid).thenCompose(inode -> io.flush());
    }

    /**
     * The inode of {@code vid} for a request on {@code [offset, offset+length)}. A range past the end this node knows
     * may be inside a VDI that another node grew a moment ago (the resize returned there, this node has not applied
     * it yet): then the table is synced and the inode looked up again before the range is judged.
     */
    private CompletableFuture<Inode> covering(int vid, long offset, long length) {
        return withInode(vid).thenCompose(inode -> offset + length <= inode.size() || offset + length < 0
                ? CompletableFuture.completedFuture(inode)
                : metadata.sync().handle((s, barrierFailed) -> null).thenCompose(v -> withInode(vid)));
    }

    private CompletableFuture<Inode> withInode(int vid) {
        Inode loaded = inodes.loaded(vid);
        if (loaded != null) {
            return CompletableFuture.completedFuture(loaded);
        }
        Optional<VdiEntry> known = metadata.state().vdi(vid);
        if (known.isPresent()) {
            return inodes.get(known.get());
        }
        return metadata.sync().exceptionally(barrierFailed -> metadata.state())
                .thenCompose(s -> s.vdi(vid).map(inodes::get)
                        .orElseGet(() -> CompletableFuture.failedFuture(noVdi(vid))));
    }

    @Override
    public List<Long> objects(String name) throws SheepException {
        requireFormatted();
        VdiEntry e = workingVdi(name).orElseThrow(() -> noVdi(name));
        int[] map = await(inodes.readMap(e), "read the inode of " + name);
        List<Long> oids = new ArrayList<>();
        oids.add(ObjectId.inode(e.vid()));
        for (int i = 0; i < map.length; i++) {
            if (map[i] != 0) {
                oids.add(ObjectId.data(map[i], i));
            }
        }
        return oids;
    }

    @Override
    public int[] objectMap(int vid) throws SheepException {
        requireFormatted();
        MetadataState state = metadata.state();
        Optional<VdiEntry> e = state.vdi(vid);
        if (e.isEmpty()) {
            e = synced().vdi(vid);
        }
        VdiEntry entry = e.filter(v -> !v.deleted()).orElseThrow(() -> noVdi(vid));
        return await(inodes.readMap(entry), "read the inode of " + entry.name());
    }

    @Override
    public List<Long> allObjects() throws SheepException {
        requireFormatted();
        Set<Long> oids = new LinkedHashSet<>();
        for (VdiEntry e : synced().vdis().values()) {
            oids.add(ObjectId.inode(e.vid()));
            if (!e.deleted()) {
                int[] map = await(inodes.readMap(e), "read the inode of " + e.name());
                for (int i = 0; i < map.length; i++) {
                    if (map[i] != 0) {
                        oids.add(ObjectId.data(map[i], i));
                    }
                }
            }
        }
        return List.copyOf(oids);
    }

    @Override
    public ObjectCheck check(long oid) throws SheepException {
        requireFormatted();
        ObjectCheck result = await(gateway.check(oid), "check object " + ObjectId.toString(oid));
        if (result.outcome() == ObjectCheck.Outcome.ABSENT && shouldExist(oid)) {
            LOG.error("object {} is lost: no replica holds it, though its VDI's inode allocated it",
                    ObjectId.toString(oid));
            return result.withOutcome(ObjectCheck.Outcome.UNRECOVERABLE);
        }
        return result;
    }

    /** Whether object {@code oid} must exist: it is a VDI's inode, or its VDI's inode has allocated it. */
    private boolean shouldExist(long oid) throws SheepException {
        Optional<VdiEntry> vdi = synced().vdi(ObjectId.vid(oid));
        if (vdi.isEmpty() || !ObjectId.isData(oid)) {
            return vdi.isPresent();
        }
        int[] map = await(inodes.readMap(vdi.get()), "read the inode of " + vdi.get().name());
        long index = ObjectId.index(oid);
        return index < map.length && map[(int) index] == ObjectId.vid(oid);
    }

    /**
     * The working VDI {@code name} after a read barrier: a snapshot or rollback committed through another node a
     * moment ago has moved the name to another id, and answering from this node's state could hand out the old one
     * (a snapshot now, whose writes fail READONLY).
     */
    private Optional<VdiEntry> workingVdi(String name) {
        return synced().workingVdi(name);
    }

    /**
     * The metadata after a read barrier: it holds every change committed anywhere before the call. If the barrier
     * fails (no majority) or is slow, this node's own state, which is then all there is to know.
     */
    /** {@link #synced()} as a future, for callers that must not block. */
    private CompletableFuture<MetadataState> syncedAsync() {
        return metadata.sync().copy().orTimeout(timeouts.readBarrier().toNanos(), TimeUnit.NANOSECONDS)
                .exceptionally(e -> {
                    LOG.debug("metadata read barrier failed; answering from this node's state: {}", e.toString());
                    return metadata.state();
                });
    }

    private MetadataState synced() {
        try {
            return metadata.sync().get(timeouts.readBarrier().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("metadata read barrier failed; answering from this node's state: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return metadata.state();
    }

    private MetadataState requireFormatted() throws SheepException {
        MetadataState state = metadata.state();
        if (state.format() == null) {
            // Formatted through another node a moment ago? (Before the first format there is no metadata leader,
            // and the barrier fails at once.)
            state = synced();
        }
        if (state.format() == null) {
            throw new SheepException(ResultCode.NOT_FORMATTED,
                    "the cluster is not formatted yet: run 'collie cluster format'");
        }
        return state;
    }

    /** Used and Shared from an object map: objects this VDI owns, and objects it shares with an ancestor. */
    private VdiInfo info(VdiEntry e, int[] map) {
        long owned = 0;
        long shared = 0;
        for (int v : map) {
            if (v == e.vid()) {
                owned++;
            } else if (v != 0) {
                shared++;
            }
        }
        return toInfo(e, owned * ObjectLayout.OBJECT_SIZE, shared * ObjectLayout.OBJECT_SIZE);
    }

    private VdiInfo toInfo(VdiEntry r, long used, long shared) {
        return new VdiInfo(r.name(), r.vid(), r.size(), used, shared, r.createdMillis(), r.copies(), r.snapshotId(),
                r.tag(), r.parentVid(), isClone(metadata.state(), r));
    }

    /** Whether the oldest entry of {@code e}'s name on its chain of parents was made from another name's snapshot. */
    private static boolean isClone(MetadataState state, VdiEntry e) {
        VdiEntry root = e;
        for (Optional<VdiEntry> p = state.vdi(root.parentVid()); p.isPresent() && p.get().name().equals(e.name());
             p = state.vdi(root.parentVid())) {
            root = p.get();
        }
        return root.parentVid() != 0;
    }

    private static SheepException noVdi(String name) {
        return VdiRules.noVdi(name);
    }

    private static SheepException noVdi(int vid) {
        return new SheepException(ResultCode.NO_VDI, "no VDI with id " + Integer.toHexString(vid));
    }

    /** Waits for an administrative step; failures keep their result code. */
    private <T> T await(CompletableFuture<T> f, String what) throws SheepException {
        try {
            return f.get(timeouts.adminStep().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SheepException se) {
                throw new SheepException(se.result(), what + ": " + se.getMessage(), se);
            }
            throw new SheepException(ResultCode.EIO, what + ": " + cause, cause);
        } catch (TimeoutException e) {
            throw new SheepException(ResultCode.EIO, what + ": timed out after "
                    + timeouts.adminStep().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SheepException(ResultCode.SHUTDOWN, what + ": interrupted");
        }
    }
}
