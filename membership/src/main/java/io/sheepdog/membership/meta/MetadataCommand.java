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
    @JsonSubTypes.Type(value = MetadataCommand.NewEpoch.class, name = "new-epoch"),
    @JsonSubTypes.Type(value = MetadataCommand.Resume.class, name = "resume"),
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

    /** Adds a VDI; rejected if its id is taken or its name already has a VDI with that snapshot id. */
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
}
