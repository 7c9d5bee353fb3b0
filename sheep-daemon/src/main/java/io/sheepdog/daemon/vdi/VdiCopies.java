package io.sheepdog.daemon.vdi;

import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.membership.meta.VdiEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;

/**
 * How many copies the objects of each VDI have, for placement: the VDI's own count from the VDI table. A VDI being
 * created through this node has no table entry yet while its inode object is written (the entry is what makes the
 * VDI exist, so it comes last); {@link VdiService} announces the count it creates the VDI with for that time.
 * Objects of a VDI in neither place get the cluster's default.
 */
public final class VdiCopies implements IntUnaryOperator {
    private final ClusterMetadataService metadata;
    private final Map<Integer, Integer> creating = new ConcurrentHashMap<>();

    public VdiCopies(ClusterMetadataService metadata) {
        this.metadata = metadata;
    }

    /** The copy count of the objects of VDI {@code vid}. */
    @Override
    public int applyAsInt(int vid) {
        Integer pending = creating.get(vid);
        if (pending != null) {
            return pending;
        }
        MetadataState state = metadata.state();
        return state.vdi(vid).map(VdiEntry::copies).orElse(state.format() == null ? 1 : state.format().copies());
    }

    /** VDI {@code vid} is being created with {@code copies} copies: its table entry does not exist yet. */
    void creating(int vid, int copies) {
        creating.put(vid, copies);
    }

    /** The creation of VDI {@code vid} ended: its table entry exists now, or it was not created. */
    void created(int vid) {
        creating.remove(vid);
    }
}
