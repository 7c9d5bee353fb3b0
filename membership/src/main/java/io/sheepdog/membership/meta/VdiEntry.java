package io.sheepdog.membership.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * The replicated VDI table's entry for one VDI. A working VDI and its snapshots share the name and differ in
 * {@code snapshotId}; {@code vid} is unique.
 *
 * @param name          the name
 * @param vid           the 24-bit VDI id, not 0
 * @param size          virtual size in bytes
 * @param createdMillis creation time
 * @param copies        replicas per object ({@link #redundancy()}, kept as a number in the persisted form)
 * @param snapshotId    0 for the working VDI, else the snapshot number
 * @param tag           snapshot tag, empty if none
 * @param parentVid     the VDI this one was cloned or snapshotted from, 0 if none
 * @param deleted       deleted, but kept (hidden from every lookup by name) because VDIs made from it still read
 *                      objects it owns; left out of the persisted form while false
 */
public record VdiEntry(String name, int vid, long size, long createdMillis, int copies, int snapshotId, String tag,
                       int parentVid, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean deleted) {
    /**
     * Largest VDI id (24 bits). The same value as {@code io.sheepdog.store.ObjectId.MAX_VDI_ID}, which defines it
     * (the vid field of an object id); repeated here because membership does not depend on object-store, and
     * guarded by a test in sheep-daemon ({@code VdiLimitsTest}).
     */
    public static final int MAX_VID = 0xff_ffff;

    /** A live entry. */
    public VdiEntry(String name, int vid, long size, long createdMillis, int copies, int snapshotId, String tag,
                    int parentVid) {
        this(name, vid, size, createdMillis, copies, snapshotId, tag, parentVid, false);
    }

    public VdiEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tag, "tag");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("VDI name must not be empty");
        }
        if (vid <= 0 || vid > MAX_VID) {
            throw new IllegalArgumentException("VDI id out of range: " + vid);
        }
        if (size < 0 || copies < 1 || snapshotId < 0) {
            throw new IllegalArgumentException("bad VDI entry: size " + size + ", copies " + copies
                    + ", snapshot " + snapshotId);
        }
    }

    /** How the objects of this VDI are kept. */
    public Redundancy redundancy() {
        return Redundancy.replicas(copies);
    }

    /** This entry, deleted but kept for the VDIs that still read its objects. */
    VdiEntry hidden() {
        return new VdiEntry(name, vid, size, createdMillis, copies, snapshotId, tag, parentVid, true);
    }

    /** True for the working (writable) VDI of its name. */
    public boolean isWorking() {
        return snapshotId == 0;
    }
}
