package io.sheepdog.membership.meta;

import io.sheepdog.membership.Epoch;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster metadata as a deterministic state machine: the format record, the VDI table and the epoch history,
 * changed only by {@link MetadataCommand}s applied in the same order on every node. Applying never reads the clock
 * or anything else local, so equal command sequences give equal states; a rejected command changes nothing and
 * yields the same {@link CommandResult} everywhere.
 *
 * <p>Readers get immutable {@link MetadataState} snapshots ({@link #state()}); each applied command publishes a
 * new one (copy on write: metadata changes are rare and the tables small). Thread-safe.
 */
public final class ClusterMetadata {
    private volatile MetadataState state = MetadataState.EMPTY;

    /** The current state. */
    public MetadataState state() {
        return state;
    }

    /** Replaces the whole state (from a snapshot). */
    public synchronized void restore(MetadataState snapshot) {
        state = snapshot;
    }

    /** Applies one command; returns OK or why it was rejected, with the state version it produced. */
    public synchronized CommandResult apply(MetadataCommand command) {
        long next = state.version() + 1;
        CommandResult r = applyCommand(command);
        state = state.withVersion(next);
        return r.withVersion(next);
    }

    private CommandResult applyCommand(MetadataCommand command) {
        MetadataState s = state;
        if (command instanceof MetadataCommand.Format f) {
            return format(s, f);
        }
        if (s.format() == null) {
            return CommandResult.rejected(Outcome.NOT_FORMATTED,
                    "the cluster is not formatted yet: run 'collie cluster format'");
        }
        if (command instanceof MetadataCommand.CreateVdi c) {
            return createVdi(s, c.vdi());
        } else if (command instanceof MetadataCommand.UpdateVdi u) {
            return updateVdi(s, u.vdi());
        } else if (command instanceof MetadataCommand.SnapshotVdi c) {
            return snapshotVdi(s, c);
        } else if (command instanceof MetadataCommand.RollbackVdi r) {
            return rollbackVdi(s, r);
        } else if (command instanceof MetadataCommand.ResizeVdi r) {
            return resizeVdi(s, r);
        } else if (command instanceof MetadataCommand.FlattenVdi f) {
            return flattenVdi(s, f);
        } else if (command instanceof MetadataCommand.DeleteVdi d) {
            return deleteVdi(s, d);
        } else if (command instanceof MetadataCommand.NewEpoch e) {
            return newEpoch(s, e);
        } else if (command instanceof MetadataCommand.Resume r) {
            return resume(s, r);
        } else if (command instanceof MetadataCommand.Shutdown) {
            state = s.shutDown();
            return CommandResult.success();
        } else if (command instanceof MetadataCommand.ForceRecover f) {
            return forceRecover(s, f);
        } else if (command instanceof MetadataCommand.LockVdi l) {
            return publish(VdiLockRules.lock(s, l));
        } else if (command instanceof MetadataCommand.UnlockVdi u) {
            return publish(VdiLockRules.unlock(s, u));
        } else if (command instanceof MetadataCommand.ExpireVdiLock x) {
            return expireLock(s, x);
        } else if (command instanceof MetadataCommand.MigrateVdiLock m) {
            return publish(VdiLockRules.migrate(s, m));
        } else if (command instanceof MetadataCommand.PassVdiLock p) {
            return publish(VdiLockRules.pass(s, p));
        } else if (command instanceof MetadataCommand.SetVdiShared c) {
            return publish(VdiLockRules.setShared(s, c));
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private CommandResult publish(VdiLockRules.Applied applied) {
        state = applied.state();
        return applied.result();
    }

    private CommandResult format(MetadataState s, MetadataCommand.Format f) {
        List<NodeAddress> nodes = dataNodes(f.members());
        if (nodes.isEmpty()) {
            return CommandResult.rejected(Outcome.INVALID,
                    "cannot format a cluster without data nodes (all live nodes are gateway-only)");
        }
        Epoch first = new Epoch(1, f.format().createdMillis(), nodes);
        state = new MetadataState(f.format(), Map.of(), List.of(first), session(f.members()), s.version());
        return CommandResult.success();
    }

    private CommandResult createVdi(MetadataState s, VdiEntry v) {
        VdiEntry taken = s.vdis().get(v.vid());
        if (taken != null) {
            if (taken.name().equals(v.name()) && taken.snapshotId() == v.snapshotId()) {
                return CommandResult.rejected(Outcome.VDI_EXISTS, "VDI " + v.name() + " already exists");
            }
            return CommandResult.rejected(Outcome.VID_IN_USE,
                    String.format("VDI id %06x is used by VDI %s", v.vid(), taken.name()));
        }
        if (s.retiredVids().contains(v.vid())) {
            return CommandResult.rejected(Outcome.VID_IN_USE,
                    String.format("VDI id %06x belonged to a deleted VDI and is never given again", v.vid()));
        }
        if (v.parentVid() != 0 && s.vdi(v.parentVid()).map(p -> p.isWorking() || p.deleted()).orElse(true)) {
            return CommandResult.rejected(Outcome.NO_SUCH_VDI, String.format(
                    "cannot clone VDI id %06x: it is not a snapshot (any more)", v.parentVid()));
        }
        for (VdiEntry e : s.vdis().values()) {
            if (!e.deleted() && e.name().equals(v.name()) && e.snapshotId() == v.snapshotId()) {
                return CommandResult.rejected(Outcome.VDI_EXISTS, v.isWorking()
                        ? "VDI " + v.name() + " already exists"
                        : "VDI " + v.name() + " already has snapshot " + v.snapshotId());
            }
        }
        Map<Integer, VdiEntry> vdis = new TreeMap<>(s.vdis());
        vdis.put(v.vid(), v);
        state = s.withVdis(vdis);
        return CommandResult.success();
    }

    private CommandResult updateVdi(MetadataState s, VdiEntry v) {
        if (!s.vdis().containsKey(v.vid())) {
            return CommandResult.rejected(Outcome.NO_SUCH_VDI, String.format("no VDI with id %06x", v.vid()));
        }
        Map<Integer, VdiEntry> vdis = new TreeMap<>(s.vdis());
        vdis.put(v.vid(), v);
        state = s.withVdis(vdis);
        return CommandResult.success();
    }

    private CommandResult snapshotVdi(MetadataState s, MetadataCommand.SnapshotVdi c) {
        CommandResult refused = notWorking(s, c.name(), c.workingVid());
        if (refused != null) {
            return refused;
        }
        VdiEntry working = s.workingVdi(c.name()).orElseThrow();
        if (!c.tag().isEmpty() && s.snapshot(c.name(), c.tag()).isPresent()) {
            return CommandResult.rejected(Outcome.VDI_EXISTS,
                    "VDI " + c.name() + " already has a snapshot tagged " + c.tag());
        }
        CommandResult idFree = vidFree(s, c.newVid());
        if (!idFree.ok()) {
            return idFree;
        }
        // Numbers are never given twice: deleted snapshots kept for their children count too.
        int number = s.vdis().values().stream().filter(v -> v.name().equals(c.name()))
                .mapToInt(VdiEntry::snapshotId).max().orElse(0) + 1;
        Map<Integer, VdiEntry> vdis = new TreeMap<>(s.vdis());
        vdis.put(working.vid(), new VdiEntry(working.name(), working.vid(), working.size(), working.createdMillis(),
                working.copies(), number, c.tag(), working.parentVid()));
        vdis.put(c.newVid(), new VdiEntry(working.name(), c.newVid(), working.size(), c.millis(), working.copies(), 0,
                "", working.vid()));
        state = s.withVdis(vdis);
        return CommandResult.success();
    }

    private CommandResult rollbackVdi(MetadataState s, MetadataCommand.RollbackVdi r) {
        CommandResult refused = notWorking(s, r.name(), r.workingVid());
        if (refused != null) {
            return refused;
        }
        CommandResult locked = VdiLockRules.refusedWhileLocked(s, r.name(), "roll back");
        if (locked != null) {
            return locked;
        }
        VdiEntry working = s.workingVdi(r.name()).orElseThrow();
        VdiEntry snapshot = s.vdis().get(r.snapshotVid());
        if (snapshot == null || snapshot.isWorking() || !snapshot.name().equals(r.name())) {
            return CommandResult.rejected(Outcome.NO_SUCH_VDI, String.format(
                    "VDI %s has no snapshot with id %06x", r.name(), r.snapshotVid()));
        }
        CommandResult idFree = vidFree(s, r.newVid());
        if (!idFree.ok()) {
            return idFree;
        }
        MetadataState without = removed(s, working);
        Map<Integer, VdiEntry> vdis = new TreeMap<>(without.vdis());
        vdis.put(r.newVid(), new VdiEntry(r.name(), r.newVid(), snapshot.size(), r.millis(), working.copies(), 0, "",
                snapshot.vid()));
        state = without.withVdis(vdis);
        return CommandResult.success();
    }

    private CommandResult resizeVdi(MetadataState s, MetadataCommand.ResizeVdi r) {
        CommandResult refused = notWorking(s, r.name(), r.vid());
        if (refused != null) {
            return refused;
        }
        VdiEntry w = s.workingVdi(r.name()).orElseThrow();
        Map<Integer, VdiEntry> vdis = new TreeMap<>(s.vdis());
        vdis.put(w.vid(), new VdiEntry(w.name(), w.vid(), r.size(), w.createdMillis(), w.copies(), 0, w.tag(),
                w.parentVid()));
        state = s.withVdis(vdis);
        return CommandResult.success();
    }

    /**
     * Why a command prepared against the working VDI {@code vid} of {@code name} cannot apply: the name has no working
     * VDI (NO_SUCH_VDI), or another one by now (VDI_CHANGED); null if {@code vid} still is it.
     */
    private static CommandResult notWorking(MetadataState s, String name, int vid) {
        Optional<VdiEntry> found = s.workingVdi(name);
        if (found.isEmpty()) {
            return CommandResult.rejected(Outcome.NO_SUCH_VDI, "VDI " + name + " does not exist");
        }
        if (found.get().vid() != vid) {
            return CommandResult.rejected(Outcome.VDI_CHANGED, String.format(
                    "VDI %s changed meanwhile: its working VDI is %06x now, not %06x", name, found.get().vid(), vid));
        }
        return null;
    }

    /** Success if {@code vid} is neither taken nor retired, else VID_IN_USE. */
    private static CommandResult vidFree(MetadataState s, int vid) {
        VdiEntry taken = s.vdis().get(vid);
        if (taken != null) {
            return CommandResult.rejected(Outcome.VID_IN_USE,
                    String.format("VDI id %06x is used by VDI %s", vid, taken.name()));
        }
        if (s.retiredVids().contains(vid)) {
            return CommandResult.rejected(Outcome.VID_IN_USE,
                    String.format("VDI id %06x belonged to a deleted VDI and is never given again", vid));
        }
        return CommandResult.success();
    }

    /**
     * Deletes a VDI or a snapshot. An entry that others were made from (a snapshot with its name's next VDI or
     * clones) is kept, hidden, since they read objects it owns; any other is removed and its id retired. Removing
     * one may leave its parent, a hidden entry, with no children: that is removed too, and so on up the chain.
     */
    private CommandResult deleteVdi(MetadataState s, MetadataCommand.DeleteVdi d) {
        VdiEntry e = s.vdis().get(d.vid());
        if (e == null || e.deleted() || !e.name().equals(d.name())) {
            return CommandResult.rejected(Outcome.NO_SUCH_VDI, "no VDI " + d.name()
                    + String.format(" with id %06x", d.vid()));
        }
        if (e.isWorking()) {
            CommandResult locked = VdiLockRules.refusedWhileLocked(s, e.name(), "delete");
            if (locked != null) {
                return locked;
            }
            // A VDI made later under the same name starts exclusive.
            s = s.withShared(e.name(), false);
        }
        if (!s.children(e.vid()).isEmpty()) {
            Map<Integer, VdiEntry> vdis = new TreeMap<>(s.vdis());
            vdis.put(e.vid(), e.hidden());
            state = s.withVdis(vdis);
            return CommandResult.success();
        }
        state = removed(s, e);
        return CommandResult.success();
    }

    /** {@code s} without {@code e} (its id retired) and without the hidden ancestors that leaves childless. */
    private static MetadataState removed(MetadataState s, VdiEntry e) {
        return pruned(s.withVdiDeleted(e.vid()), e.parentVid());
    }

    /** {@code s} without the hidden entry {@code vid} and its hidden ancestors, as far as they have no children. */
    private static MetadataState pruned(MetadataState s, int vid) {
        MetadataState next = s;
        VdiEntry parent = next.vdis().get(vid);
        while (parent != null && parent.deleted() && next.children(parent.vid()).isEmpty()) {
            next = next.withVdiDeleted(parent.vid());
            parent = next.vdis().get(parent.parentVid());
        }
        return next;
    }

    private CommandResult flattenVdi(MetadataState s, MetadataCommand.FlattenVdi f) {
        CommandResult refused = notWorking(s, f.name(), f.vid());
        if (refused != null) {
            return refused;
        }
        VdiEntry w = s.workingVdi(f.name()).orElseThrow();
        Map<Integer, VdiEntry> vdis = new TreeMap<>(s.vdis());
        vdis.put(w.vid(), new VdiEntry(w.name(), w.vid(), w.size(), w.createdMillis(), w.copies(), 0, w.tag(), 0));
        state = pruned(s.withVdis(vdis), w.parentVid());
        return CommandResult.success();
    }

    private CommandResult newEpoch(MetadataState s, MetadataCommand.NewEpoch e) {
        if (e.previous() != s.epochNumber()) {
            return CommandResult.rejected(Outcome.STALE_EPOCH, "proposed after epoch " + e.previous()
                    + " but the current epoch is " + s.epochNumber());
        }
        if (s.shuttingDown() && EpochDecider.running(s, e.members())) {
            // Proposed by a leader that had not applied the shutdown yet: the nodes leaving now are no failures.
            return CommandResult.rejected(Outcome.SHUTTING_DOWN, "the cluster is shutting down; no new epoch");
        }
        startEpoch(s, e.previous(), e.startMillis(), e.members());
        return CommandResult.success();
    }

    /** The epoch by {@link #newEpoch}'s rules, then the release; either rejected leaves the state as it was. */
    private CommandResult expireLock(MetadataState s, MetadataCommand.ExpireVdiLock x) {
        CommandResult epoch = newEpoch(s, new MetadataCommand.NewEpoch(x.previous(), x.startMillis(), x.members()));
        if (!epoch.ok()) {
            return epoch;
        }
        VdiLockRules.Applied released = VdiLockRules.unlock(state, new MetadataCommand.UnlockVdi(x.name(),
                x.generation()));
        state = released.result().ok() ? released.state() : s;
        return released.result();
    }

    private CommandResult forceRecover(MetadataState s, MetadataCommand.ForceRecover f) {
        if (f.previous() != s.epochNumber()) {
            return CommandResult.rejected(Outcome.STALE_EPOCH, "recovery forced after epoch " + f.previous()
                    + " but the current epoch is " + s.epochNumber());
        }
        if (EpochDecider.running(s, f.members())) {
            return CommandResult.rejected(Outcome.INVALID, "the cluster is running in epoch " + s.epochNumber()
                    + ": it is not waiting for nodes, so there is nothing to force");
        }
        if (dataNodes(f.members()).isEmpty()) {
            return CommandResult.rejected(Outcome.INVALID, "cannot start an epoch without data nodes");
        }
        startEpoch(s, f.previous(), f.startMillis(), f.members());
        return CommandResult.success();
    }

    private void startEpoch(MetadataState s, long previous, long startMillis, List<MemberInfo> members) {
        List<Epoch> epochs = new ArrayList<>(s.epochs());
        epochs.add(new Epoch(previous + 1, startMillis, dataNodes(members)));
        state = s.withEpochs(epochs, session(members));
    }

    private CommandResult resume(MetadataState s, MetadataCommand.Resume r) {
        if (r.epoch() != s.epochNumber()) {
            return CommandResult.rejected(Outcome.STALE_EPOCH, "resume of epoch " + r.epoch()
                    + " but the current epoch is " + s.epochNumber());
        }
        state = s.withEpochs(s.epochs(), session(r.members()));
        return CommandResult.success();
    }

    /** The data nodes (weight above zero) among {@code members}. */
    static List<NodeAddress> dataNodes(List<MemberInfo> members) {
        return members.stream().filter(MemberInfo::storesData).map(MemberInfo::address).toList();
    }

    private static Map<String, String> session(List<MemberInfo> members) {
        Map<String, String> m = new HashMap<>();
        for (MemberInfo i : members) {
            m.put(i.id().toString(), i.incarnation());
        }
        return m;
    }
}
