package io.sheepdog.membership;

import java.util.Comparator;
import java.util.List;

/**
 * One entry of the epoch history: the data nodes of the cluster from {@code startMillis} on. Every membership
 * change that matters for placement starts a new epoch; all nodes agree on the history (it is part of the
 * replicated cluster metadata).
 *
 * @param number      the epoch number, from 1
 * @param startMillis when the epoch began (the proposing leader's clock)
 * @param nodes       the data nodes, sorted by node id
 */
public record Epoch(long number, long startMillis, List<NodeAddress> nodes) {
    public Epoch {
        if (number < 1) {
            throw new IllegalArgumentException("epoch numbers start at 1: " + number);
        }
        nodes = nodes.stream().sorted(Comparator.comparingLong(n -> n.id().value())).toList();
    }

    /** The members as a placement view. */
    public ClusterView view() {
        return new ClusterView(number, nodes);
    }

    /** "host:port" of every node, as {@code collie cluster info} prints them. */
    public List<String> hostPorts() {
        return nodes.stream().map(NodeAddress::hostPort).toList();
    }
}
