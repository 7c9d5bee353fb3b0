package io.sheepdog.membership.meta;

import java.util.Optional;

/**
 * How the lock commands change the state ({@link MetadataCommand.LockVdi} and the others): {@link ClusterMetadata}'s
 * rules for write locks, deterministic like the rest of it. Each returns the new state, or the rejection with the
 * state unchanged.
 */
final class VdiLockRules {

    /** A command's result and the state it leaves. */
    record Applied(MetadataState state, CommandResult result) {
        static Applied ok(MetadataState state) {
            return new Applied(state, CommandResult.success());
        }

        static Applied rejected(MetadataState state, Outcome outcome, String message) {
            return new Applied(state, CommandResult.rejected(outcome, message));
        }
    }

    private VdiLockRules() {
    }

    static Applied lock(MetadataState s, MetadataCommand.LockVdi c) {
        if (s.workingVdi(c.name()).isEmpty()) {
            return Applied.rejected(s, Outcome.NO_SUCH_VDI, "VDI " + c.name() + " does not exist");
        }
        if (s.shared(c.name())) {
            return Applied.rejected(s, Outcome.INVALID, "VDI " + c.name() + " is shared: its writers take no lock");
        }
        Optional<VdiLock> held = s.lock(c.name());
        if (held.isEmpty() || (held.get().holder().sameClient(c.holder())
                && !held.get().holder().equals(c.holder()))) {
            // Free, or held by the same client through an earlier incarnation of its node: the daemon restarted
            // under a running VM that reconnected. That incarnation is gone, and with it every write it could make.
            return Applied.ok(s.withLock(c.name(), new VdiLock(c.name(), c.holder(), c.millis(),
                    s.nextLockGeneration(c.name()))));
        }
        VdiLock l = held.get();
        if (l.holder().equals(c.holder()) || c.holder().equals(l.standby())) {
            return Applied.ok(s);
        }
        if (l.migrateTo().equals(c.holder().nodeId()) && l.standby() == null) {
            return Applied.ok(s.withLock(c.name(), l.withStandby(c.holder())));
        }
        return Applied.rejected(s, Outcome.VDI_LOCKED, l.describe());
    }

    static Applied unlock(MetadataState s, MetadataCommand.UnlockVdi c) {
        Optional<VdiLock> held = current(s, c.name(), c.generation());
        if (held.isEmpty()) {
            return noSuchLock(s, c.name(), c.generation());
        }
        VdiLock l = held.get();
        if (l.standby() != null) {
            return Applied.ok(s.withLock(c.name(), new VdiLock(c.name(), l.standby(), l.sinceMillis(),
                    s.nextLockGeneration(c.name()))));
        }
        return Applied.ok(s.withLock(c.name(), null));
    }

    static Applied migrate(MetadataState s, MetadataCommand.MigrateVdiLock c) {
        Optional<VdiLock> held = current(s, c.name(), c.generation());
        if (held.isEmpty()) {
            return noSuchLock(s, c.name(), c.generation());
        }
        if (held.get().holder().nodeId().equals(c.toNodeId())) {
            return Applied.rejected(s, Outcome.INVALID, "VDI " + c.name()
                    + " is attached through that node already: migrate to another node");
        }
        return Applied.ok(s.withLock(c.name(), held.get().migratingTo(c.toNodeId())));
    }

    static Applied pass(MetadataState s, MetadataCommand.PassVdiLock c) {
        Optional<VdiLock> held = current(s, c.name(), c.generation());
        if (held.isEmpty() || !c.standby().equals(held.get().standby())) {
            return noSuchLock(s, c.name(), c.generation());
        }
        return Applied.ok(s.withLock(c.name(), new VdiLock(c.name(), c.standby(), c.millis(),
                s.nextLockGeneration(c.name()))));
    }

    static Applied setShared(MetadataState s, MetadataCommand.SetVdiShared c) {
        if (s.workingVdi(c.name()).isEmpty()) {
            return Applied.rejected(s, Outcome.NO_SUCH_VDI, "VDI " + c.name() + " does not exist");
        }
        if (c.shared() && s.lock(c.name()).isPresent()) {
            return Applied.rejected(s, Outcome.VDI_LOCKED, s.lock(c.name()).get().describe()
                    + ": detach it (or break the lock) before sharing it");
        }
        return Applied.ok(s.withShared(c.name(), c.shared()));
    }

    /** Why the working VDI {@code name} cannot be replaced or deleted now, or null if it can. */
    static CommandResult refusedWhileLocked(MetadataState s, String name, String what) {
        return s.lock(name).map(l -> CommandResult.rejected(Outcome.VDI_LOCKED,
                "cannot " + what + " VDI " + name + " while it is attached: " + l.describe())).orElse(null);
    }

    private static Optional<VdiLock> current(MetadataState s, String name, long generation) {
        return s.lock(name).filter(l -> l.generation() == generation);
    }

    private static Applied noSuchLock(MetadataState s, String name, long generation) {
        return Applied.rejected(s, Outcome.NO_SUCH_LOCK, s.lock(name)
                .map(l -> "the lock of VDI " + name + " is generation " + l.generation() + " now, not " + generation)
                .orElse("VDI " + name + " is not locked"));
    }
}
