package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The waits every test cluster offers, asked of the nodes over the sheep protocol (what collie sees): each poll
 * connects to every given node, so a node that is down or still starting simply counts as "not yet".
 */
public final class ClusterAwait {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private ClusterAwait() {
    }

    /**
     * Waits until every node in {@code nodes} lists exactly {@code members} members, the same on all of them.
     *
     * @return the member list (as the first node sees it, sorted by port)
     * @throws AssertionError at the deadline, saying which node saw what
     */
    public static List<NodeInfo> members(List<NodeEndpoint> nodes, int members, Duration timeout) {
        return Poll.until(members + " members seen by each of " + nodes, timeout, whyNot -> {
            List<String> first = null;
            List<NodeInfo> answer = null;
            for (NodeEndpoint n : nodes) {
                List<NodeInfo> seen;
                try (SheepClient c = n.connect(PROBE_TIMEOUT)) {
                    seen = c.nodes().stream().sorted(Comparator.comparingInt(NodeInfo::port)).toList();
                }
                List<String> ids = seen.stream().map(i -> i.host() + ":" + i.port()).toList();
                if (seen.size() != members || (first != null && !first.equals(ids))) {
                    whyNot.append(n).append(" sees ").append(ids);
                    return Optional.empty();
                }
                if (first == null) {
                    first = ids;
                    answer = seen;
                }
            }
            return Optional.ofNullable(answer);
        });
    }

    /**
     * Waits until every node in {@code nodes} is in epoch {@code epoch} or later, all in the same one.
     *
     * @return the epoch they agree on
     */
    public static long epoch(List<NodeEndpoint> nodes, long epoch, Duration timeout) {
        return Poll.until("epoch >= " + epoch + " on each of " + nodes, timeout, whyNot -> {
            long agreed = -1;
            for (NodeEndpoint n : nodes) {
                long current = currentEpoch(n);
                if (current < epoch || (agreed >= 0 && current != agreed)) {
                    whyNot.append(n).append(" is in epoch ").append(current);
                    return Optional.empty();
                }
                agreed = current;
            }
            return Optional.of(agreed);
        });
    }

    /**
     * Waits until every node in {@code nodes} has recovered epoch {@code epoch} and removed the copies it no longer
     * owns (recovery state DONE at that epoch), or is not a data node of it (IDLE).
     *
     * @return each node's final recovery state, in the order of {@code nodes}
     */
    public static List<RecoveryInfo> recovered(List<NodeEndpoint> nodes, long epoch, Duration timeout) {
        return Poll.until("recovery of epoch " + epoch + " done on each of " + nodes, timeout, whyNot -> {
            List<RecoveryInfo> all = new java.util.ArrayList<>();
            for (NodeEndpoint n : nodes) {
                RecoveryInfo r;
                try (SheepClient c = n.connect(PROBE_TIMEOUT)) {
                    r = c.recovery();
                }
                boolean done = (r.epoch() == epoch && r.state().equals("DONE")) || r.state().equals("IDLE");
                if (!done) {
                    whyNot.append(n).append(" is ").append(r);
                    return Optional.empty();
                }
                all.add(r);
            }
            return Optional.of(all);
        });
    }

    /** Waits until every node in {@code nodes} reports the cluster status {@code status} (such as "running"). */
    public static void status(List<NodeEndpoint> nodes, String status, Duration timeout) {
        Poll.until("status '" + status + "' on each of " + nodes, timeout, whyNot -> {
            for (NodeEndpoint n : nodes) {
                ClusterInfo info;
                try (SheepClient c = n.connect(PROBE_TIMEOUT)) {
                    info = c.info();
                }
                if (!info.status().equals(status)) {
                    whyNot.append(n).append(" says '").append(info.status()).append("'");
                    return Optional.empty();
                }
            }
            return Optional.of(Boolean.TRUE);
        });
    }

    /**
     * Waits until every node in {@code nodes} knows the VDI {@code name} (a lookup succeeds), all with the same id.
     * (A node answers a lookup of a VDI created through another node at once; the wait is for nodes still
     * starting.)
     *
     * @return the VDI as the first node sees it
     */
    public static VdiInfo vdi(List<NodeEndpoint> nodes, String name, Duration timeout) {
        return Poll.until("VDI '" + name + "' known to each of " + nodes, timeout, whyNot -> {
            VdiInfo first = null;
            for (NodeEndpoint n : nodes) {
                VdiInfo seen;
                try (SheepClient c = n.connect(PROBE_TIMEOUT)) {
                    seen = c.lookup(name);
                } catch (SheepException e) {
                    whyNot.append(n).append(": ").append(e.getMessage());
                    return Optional.empty();
                }
                if (first != null && seen.vid() != first.vid()) {
                    whyNot.append(n).append(" has id ").append(Integer.toHexString(seen.vid())).append(", ")
                            .append(nodes.get(0)).append(' ').append(Integer.toHexString(first.vid()));
                    return Optional.empty();
                }
                first = first == null ? seen : first;
            }
            return Optional.ofNullable(first);
        });
    }

    /** The newest epoch {@code node} reports; 0 before the cluster is formatted. */
    public static long currentEpoch(NodeEndpoint node) throws Exception {
        try (SheepClient c = node.connect(PROBE_TIMEOUT)) {
            ClusterInfo info = c.info();
            return info.epochs().stream().mapToLong(EpochInfo::epoch).max().orElse(0);
        }
    }
}
