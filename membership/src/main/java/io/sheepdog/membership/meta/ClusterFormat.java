package io.sheepdog.membership.meta;

import java.util.Objects;

/**
 * What {@code collie cluster format} decided. A node whose store belongs to another cluster id is refused.
 *
 * @param clusterId     random id chosen at format
 * @param copies        default copies of new VDIs ({@link #redundancy()}, kept as a number in the persisted form)
 * @param strict        refuse writes when fewer zones than copies are up
 * @param createdMillis format time
 */
public record ClusterFormat(String clusterId, int copies, boolean strict, long createdMillis) {
    public ClusterFormat {
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isEmpty()) {
            throw new IllegalArgumentException("cluster id must not be empty");
        }
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1: " + copies);
        }
    }

    /** The default redundancy of new VDIs. */
    public Redundancy redundancy() {
        return Redundancy.replicas(copies);
    }
}
