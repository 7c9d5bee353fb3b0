package io.sheepdog.membership.meta;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;

/**
 * The write lock of a working VDI, held by one {@link LockHolder}. Every grant of a name's lock gets the next
 * {@code generation} of that name (never reused, see {@link MetadataState#lockGenerations()}): the lock's fencing
 * token, which writes carry so that a holder that lost the lock cannot apply one more write.
 *
 * <p>For a live migration the operator names the destination node ({@code migrateTo}); the first attach through it
 * becomes the {@code standby}, which may read, and takes the lock over (a new generation) when it first writes or
 * when the holder lets go ({@link MetadataCommand.PassVdiLock}, {@link MetadataCommand.UnlockVdi}).
 *
 * @param vdi         the VDI name
 * @param holder      who holds it
 * @param sinceMillis when it was granted
 * @param generation  the fencing token, from 1
 * @param migrateTo   the node id (hex) the lock may move to, empty if none
 * @param standby     the migration's destination once it attached, null if none
 */
public record VdiLock(String vdi, LockHolder holder, long sinceMillis, long generation,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) String migrateTo,
                      @JsonInclude(JsonInclude.Include.NON_NULL) LockHolder standby) {
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public VdiLock {
        Objects.requireNonNull(vdi, "vdi");
        Objects.requireNonNull(holder, "holder");
        migrateTo = migrateTo == null ? "" : migrateTo;
        if (generation < 1) {
            throw new IllegalArgumentException("lock generation must be at least 1: " + generation);
        }
    }

    /** A lock without a migration under way. */
    public VdiLock(String vdi, LockHolder holder, long sinceMillis, long generation) {
        this(vdi, holder, sinceMillis, generation, "", null);
    }

    /** The destination that attached, if a migration is under way and it did. */
    @JsonIgnore
    public Optional<LockHolder> standbyHolder() {
        return Optional.ofNullable(standby);
    }

    /** This lock with a migration to node {@code nodeId} allowed ("" cancels it, and its standby). */
    VdiLock migratingTo(String nodeId) {
        return new VdiLock(vdi, holder, sinceMillis, generation, nodeId, null);
    }

    /** This lock with {@code destination} attached as the standby. */
    VdiLock withStandby(LockHolder destination) {
        return new VdiLock(vdi, holder, sinceMillis, generation, migrateTo, destination);
    }

    /** The start time as printed: local time, to the second. */
    public String sinceText() {
        return SINCE.format(Instant.ofEpochMilli(sinceMillis).atZone(ZoneId.systemDefault()));
    }

    /** Why another client cannot write: "VDI alice is locked by 10.0.0.5 through node 10.0.0.1:7000 since ...". */
    public String describe() {
        return "VDI " + vdi + " is locked by " + holder.describe() + " since " + sinceText();
    }
}
