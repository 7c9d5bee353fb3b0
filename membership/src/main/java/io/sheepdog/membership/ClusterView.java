package io.sheepdog.membership;

import java.util.Comparator;
import java.util.List;

/**
 * The members of the cluster in one epoch. Epochs start at 1 and grow by one with every membership change that
 * matters for placement; all nodes agree on the view of each epoch.
 *
 * @param epoch the epoch number
 * @param nodes the members, sorted by node id (so every node computes the same placement from it)
 */
public record ClusterView(long epoch, List<NodeAddress> nodes) {
    public ClusterView {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
        nodes = nodes.stream().sorted(Comparator.comparingLong(n -> n.id().value())).toList();
    }
}
