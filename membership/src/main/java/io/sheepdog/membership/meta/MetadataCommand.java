package io.sheepdog.membership.meta;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.sheepdog.membership.MemberInfo;
import java.util.List;
import java.util.Objects;

/**
 * A change to the cluster metadata, replicated and applied in the same order on every node by
 * {@link ClusterMetadata}. Commands carry everything they need (times, ids, members): applying one never reads the
 * clock or anything local, so every node reaches the same state. Serialized as JSON with an {@code op} field
 * ({@link MetadataCodec}); the names are part of the persisted log and never change.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MetadataCommand.Format.class, name = "format"),
    @JsonSubTypes.Type(value = MetadataCommand.CreateVdi.class, name = "create-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.UpdateVdi.class, name = "update-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.DeleteVdi.class, name = "delete-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.SnapshotVdi.class, name = "snapshot-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.RollbackVdi.class, name = "rollback-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.ResizeVdi.class, name = "resize-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.FlattenVdi.class, name = "flatten-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.NewEpoch.class, name = "new-epoch"),
    @JsonSubTypes.Type(value = MetadataCommand.Resume.class, name = "resume"),
    @JsonSubTypes.Type(value = MetadataCommand.Shutdown.class, name = "shutdown"),
    @JsonSubTypes.Type(value = MetadataCommand.ForceRecover.class, name = "force-recover"),
    @JsonSubTypes.Type(value = MetadataCommand.LockVdi.class, name = "lock-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.UnlockVdi.class, name = "unlock-vdi"),
    @JsonSubTypes.Type(value = MetadataCommand.ExpireVdiLock.class, name = "expire-vdi-lock"),
    @JsonSubTypes.Type(value = MetadataCommand.MigrateVdiLock.class, name = "migrate-vdi-lock"),
    @JsonSubTypes.Type(value = MetadataCommand.PassVdiLock.class, name = "pass-vdi-lock"),
    @JsonSubTypes.Type(value = MetadataCommand.SetVdiShared.class, name = "set-vdi-shared"),
})
public sealed interface MetadataCommand {

    /**
     * Formats the cluster: replaces the format record, empties the VDI table and the epoch history, and starts
     * epoch 1 with the data nodes among {@code members}.
     *
     * @param format  the new format record
     * @param members the live members at format time
     */
    record Format(ClusterFormat format, List<MemberInfo> members) implements MetadataCommand {
        public Format {
            Objects.requireNonNull(format, "format");
            members = List.copyOf(members);
        }
    }

    /**
     * Adds a VDI; rejected if its id is taken or its name already has a VDI with that snapshot id. A clone names its
     * snapshot as {@code parentVid}: rejected NO_SUCH_VDI if that is not a snapshot.
     */
    record CreateVdi(VdiEntry vdi) implements MetadataCommand {
        public CreateVdi {
            Objects.requireNonNull(vdi, "vdi");
        }
    }

    /** Replaces the entry with the same VDI id (e.g. a working VDI becoming a snapshot). */
    record UpdateVdi(VdiEntry vdi) implements MetadataCommand {
        public UpdateVdi {
            Objects.requireNonNull(vdi, "vdi");
        }
    }

    /**
     * Freezes the working VDI {@code workingVid} of {@code name} as its next snapshot (numbered after the name's
     * newest, tagged {@code tag}, which may be empty) and makes {@code newVid} its working VDI, a child of the
     * snapshot. The gateway writes the new VDI's inode (a copy of the frozen one's map) before it proposes this.
     * Rejected VDI_CHANGED if {@code workingVid} is no longer the working VDI (a snapshot or rollback through another
     * node came first), VDI_EXISTS if the tag is taken, VID_IN_USE if {@code newVid} is.
     */
    record SnapshotVdi(String name, int workingVid, int newVid, String tag, long millis) implements MetadataCommand {
        public SnapshotVdi {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(tag, "tag");
        }
    }

    /**
     * Replaces the working VDI {@code workingVid} of {@code name} with {@code newVid}, a child of snapshot
     * {@code snapshotVid} with its size, whose inode (a copy of the snapshot's map) the gateway wrote beforehand. The
     * old working VDI is deleted (its id retired). Rejected like {@link SnapshotVdi}, and NO_SUCH_VDI if the snapshot
     * is not one of {@code name}'s.
     */
    record RollbackVdi(String name, int workingVid, int snapshotVid, int newVid, long millis)
            implements MetadataCommand {
        public RollbackVdi {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Gives the working VDI {@code vid} of {@code name} a new size. Rejected VDI_CHANGED if {@code vid} is no longer
     * the working VDI (a resize of a snapshot is never meant).
     */
    record ResizeVdi(String name, int vid, long size) implements MetadataCommand {
        public ResizeVdi {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Makes the working VDI {@code vid} of {@code name} independent of its parent (its gateway copied every object it
     * shared beforehand): its parent becomes 0, and a hidden parent left without children goes. Rejected like
     * {@link ResizeVdi}.
     */
    record FlattenVdi(String name, int vid) implements MetadataCommand {
        public FlattenVdi {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Removes the VDI with this id, if it still has this name. */
    record DeleteVdi(String name, int vid) implements MetadataCommand {
        public DeleteVdi {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Starts epoch {@code previous + 1} with the data nodes among {@code members}; rejected as stale unless the
     * current epoch is {@code previous}, so a command proposed twice (a retry, two leaders in turn) applies once.
     *
     * @param previous    the epoch the proposer saw
     * @param startMillis when the new epoch starts
     * @param members     the live members
     */
    record NewEpoch(long previous, long startMillis, List<MemberInfo> members) implements MetadataCommand {
        public NewEpoch {
            members = List.copyOf(members);
        }
    }

    /**
     * The cluster is running again after a full restart with exactly the nodes of epoch {@code epoch}: records the
     * new incarnations without starting an epoch (placement did not change).
     */
    record Resume(long epoch, List<MemberInfo> members) implements MetadataCommand {
        public Resume {
            members = List.copyOf(members);
        }
    }

    /**
     * The operator shuts the whole cluster down ({@code collie cluster shutdown}): marks the state as shutting down,
     * so the nodes leaving from now on are not failures and start no epoch, and every daemon that was part of the
     * running cluster stops itself when it applies this command ({@link #stops}). The flag is cleared when the
     * cluster runs again after the restart ({@link Resume}, {@link NewEpoch} or {@link ForceRecover}).
     *
     * @param members the live members when the operator asked; they stop, and so does every incarnation the state
     *                recorded as running
     */
    record Shutdown(List<MemberInfo> members) implements MetadataCommand {
        public Shutdown {
            members = List.copyOf(members);
        }

        /**
         * Whether the daemon incarnation {@code incarnation} must stop on applying this command to {@code state}: it
         * is one of the listed members, or one the state recorded as running. A daemon started after the shutdown
         * (replaying its log at start) is neither, so it keeps running.
         */
        public boolean stops(MetadataState state, String incarnation) {
            return state.session().containsValue(incarnation)
                    || members.stream().anyMatch(m -> m.incarnation().equals(incarnation));
        }
    }

    /**
     * The operator gives up on the nodes of the last epoch that did not come back after a full restart
     * ({@code collie cluster recover force}): starts epoch {@code previous + 1} with the data nodes among
     * {@code members}. Rejected as stale unless the current epoch is {@code previous}, and rejected if any of
     * {@code members} is an incarnation the state already records as running (the cluster resumed or moved on in
     * the meantime, so there is nothing to force).
     *
     * @param previous    the epoch the operator's node saw
     * @param startMillis when the new epoch starts
     * @param members     the live members
     */
    record ForceRecover(long previous, long startMillis, List<MemberInfo> members) implements MetadataCommand {
        public ForceRecover {
            members = List.copyOf(members);
        }
    }

    /**
     * Takes the write lock of the working VDI {@code name} for {@code holder} (see docs/architecture.md, "Attach
     * locks"). Granted with the name's next generation if the VDI is unlocked, or locked by the same client through
     * an earlier incarnation of the same node (the daemon restarted under a running VM, which reconnected). Applied
     * without change if {@code holder} holds it already. If the lock may migrate to {@code holder}'s node, the
     * holder becomes the lock's standby. Otherwise rejected VDI_LOCKED, naming the holder; NO_SUCH_VDI if the name
     * has no working VDI; INVALID if the VDI is shared ({@link SetVdiShared}), whose writers take no lock.
     */
    record LockVdi(String name, LockHolder holder, long millis) implements MetadataCommand {
        public LockVdi {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(holder, "holder");
        }
    }

    /**
     * Releases the lock of {@code name} if it is still generation {@code generation}: its holder's last connection
     * closed, the holder's incarnation left the cluster (the leader's lease check), or an operator broke it. A
     * standby takes the lock over (a new generation), so the destination of a migration whose source closed first
     * can write. Rejected NO_SUCH_LOCK if the lock is gone or has another generation by now.
     */
    record UnlockVdi(String name, long generation) implements MetadataCommand {
        public UnlockVdi {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * The lease of the lock of {@code name}, generation {@code generation}, ended (its holder's incarnation is no
     * live member: the node died, restarted or was cut off): starts epoch {@code previous + 1} with {@code members}
     * and releases the lock (a standby takes it over, as {@link UnlockVdi}) in one step. That makes the epoch the
     * fence: a node that knows the new epoch knows the lock is gone, replicas refuse requests of an older epoch,
     * and a write the lost holder still retries fails its lock check under the new epoch (docs/architecture.md,
     * "Attach locks"). Rejected STALE_EPOCH if the epoch moved on, NO_SUCH_LOCK if the lock did.
     */
    record ExpireVdiLock(String name, long generation, long previous, long startMillis, List<MemberInfo> members)
            implements MetadataCommand {
        public ExpireVdiLock {
            Objects.requireNonNull(name, "name");
            members = List.copyOf(members);
        }
    }

    /**
     * Allows the lock of {@code name}, generation {@code generation}, to move to a client attached through node
     * {@code toNodeId} (hex), the destination of a live migration; an empty {@code toNodeId} cancels that, and drops
     * a standby that attached. Rejected NO_SUCH_LOCK like {@link UnlockVdi}.
     */
    record MigrateVdiLock(String name, long generation, String toNodeId) implements MetadataCommand {
        public MigrateVdiLock {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(toNodeId, "toNodeId");
        }
    }

    /**
     * The standby {@code standby} of the lock of {@code name}, generation {@code generation}, takes it over with the
     * next generation: the migrated VM's first write on its destination. From then on the source's writes carry an
     * old generation and are refused. Rejected NO_SUCH_LOCK if the lock moved on or {@code standby} is not its
     * standby.
     */
    record PassVdiLock(String name, long generation, LockHolder standby, long millis) implements MetadataCommand {
        public PassVdiLock {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(standby, "standby");
        }
    }

    /**
     * Makes the VDI {@code name} shared (its writers take no lock: for cluster file systems and multipath that
     * coordinate their own writes) or exclusive again. Taking effect for the next attach; rejected NO_SUCH_VDI if the
     * name has no working VDI, VDI_LOCKED when making a locked VDI shared (the holder would lose its fence).
     */
    record SetVdiShared(String name, boolean shared) implements MetadataCommand {
        public SetVdiShared {
            Objects.requireNonNull(name, "name");
        }
    }
}
