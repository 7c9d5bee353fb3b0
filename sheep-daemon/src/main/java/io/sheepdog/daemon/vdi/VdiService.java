package io.sheepdog.daemon.vdi;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
    /** Sheepdog's limit on copies (SD_MAX_COPIES). */
    public static final int MAX_COPIES = 31;

    private final ClusterMetadataService metadata;
    private final ObjectGateway gateway;
    private final VdiIo io;
    private final Clock clock;
    private final VdiCopies copies;
    private final VdiTimeouts timeouts;
    private final InodeCache inodes;
    private final Object adminLock = new Object();

    /**
     * @param copies   the copy counts {@code gateway} places objects by; told of the VDIs this service creates
     * @param timeouts how long each step may be waited for
     */
    public VdiService(ClusterMetadataService metadata, ObjectGateway gateway, VdiIo io, Clock clock,
                      VdiCopies copies, VdiTimeouts timeouts) {
        this.metadata = metadata;
        this.gateway = gateway;
        this.io = io;
        this.clock = clock;
        this.copies = copies;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.inodes = new InodeCache(gateway);
        metadata.addListener(this);
    }

    @Override
    public void applied(MetadataCommand command, CommandResult result, MetadataState after) {
        if (command instanceof MetadataCommand.DeleteVdi d && result.ok()) {
            inodes.remove(d.vid());
        }
    }

    /**
     * The inode of a working VDI by name, for the NBD export of that name; waits a bounded time for a load. The name
     * is looked up after a read barrier, so an open sees every change committed before it anywhere: the VDI of that
     * name may have been deleted, or deleted and created again, through another node a moment ago.
     */
    public Optional<Inode> inode(String name) {
        Optional<VdiEntry> entry = synced().workingVdi(name);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(inodes.get(entry.get()).get(timeouts.inodeLoad().toNanos(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("VDI {} cannot be opened: its inode did not load: {}", name, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
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
        String bad = VdiNames.check(name);
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
        requireMajority("create VDI " + name);
        synchronized (adminLock) {
            // A VDI of this name created through another node a moment ago must be seen: its id would be the same,
            // and writing our inode header would overwrite that VDI's inode.
            state = synced();
            for (int attempt = 0; ; attempt++) {
                if (state.workingVdi(name).isPresent()) {
                    throw new SheepException(ResultCode.VDI_EXISTS, "VDI " + name + " already exists");
                }
                OptionalInt vid = VdiIds.allocate(name, state::vidTaken);
                if (vid.isEmpty()) {
                    throw new SheepException(ResultCode.FULL_VDI, "no free VDI id is left");
                }
                VdiEntry entry = new VdiEntry(name, vid.getAsInt(), size, clock.millis(),
                        copies == 0 ? state.format().copies() : copies, 0, "", 0);
                // The inode object first, durably, on the replicas of the VDI's own copy count; only then the table
                // entry that makes the VDI exist.
                this.copies.creating(entry.vid(), entry.copies());
                try {
                    await(gateway.write(ObjectId.inode(entry.vid()), 0, InodeCodec.encodeHeader(entry), true, true),
                            "write the inode of " + name);
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
            VdiEntry e = synced().workingVdi(name).orElseThrow(() -> noVdi(name));
            MetadataErrors.await(metadata.deleteVdi(name, e.vid()), timeouts.metadata(), "delete VDI " + name);
            inodes.remove(e.vid());
            // The VDI is gone once the table says so; its objects follow, as the inode object maps them (this node's
            // copy of the map may miss objects other gateways allocated). A crash here leaves objects of an id that
            // is retired: no VDI ever takes them for its own.
            int[] map = await(inodes.readMap(e), "read the inode of " + name);
            for (int i = 0; i < map.length; i++) {
                if (map[i] == e.vid()) {
                    await(gateway.remove(ObjectId.data(e.vid(), i)), "remove object " + i + " of " + name);
                }
            }
            await(gateway.remove(ObjectId.inode(e.vid())), "remove the inode of " + name);
            LOG.info("deleted VDI {} id {}", name, Integer.toHexString(e.vid()));
        }
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
    public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        return withInode(vid).thenCompose(inode -> io.read(inode, offset, length));
    }

    @Override
    public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        return withInode(vid).thenCompose(inode -> io.write(inode, offset, data, fua));
    }

    @Override
    public CompletableFuture<Void> flush(int vid) {
        return withInode(vid).thenCompose(inode -> io.flush());
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

    /** The working VDI {@code name}: from this node's state, or, if it is not there, after a read barrier. */
    private Optional<VdiEntry> workingVdi(String name) {
        Optional<VdiEntry> known = metadata.state().workingVdi(name);
        return known.isPresent() ? known : synced().workingVdi(name);
    }

    /**
     * The metadata after a read barrier: it holds every change committed anywhere before the call. If the barrier
     * fails (no majority) or is slow, this node's own state, which is then all there is to know.
     */
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
    private static VdiInfo info(VdiEntry e, int[] map) {
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

    private static VdiInfo toInfo(VdiEntry r, long used, long shared) {
        return new VdiInfo(r.name(), r.vid(), r.size(), used, shared, r.createdMillis(), r.copies(), r.snapshotId(),
                r.tag(), r.parentVid());
    }

    private static SheepException noVdi(String name) {
        return new SheepException(ResultCode.NO_VDI, "VDI " + name + " does not exist");
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
