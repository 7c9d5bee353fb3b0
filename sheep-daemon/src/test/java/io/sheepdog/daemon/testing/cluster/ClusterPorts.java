package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.testing.process.FreePorts;
import io.sheepdog.membership.MembershipConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Free ports for the nodes of a test cluster, chosen before any of them starts. */
final class ClusterPorts {
    private ClusterPorts() {
    }

    /**
     * {@code {sheepPort, nbdPort}} for each of {@code nodes} nodes. No port of a node (sheep, NBD, membership,
     * failure detector) is another node's, which {@link FreePorts} alone cannot promise as none of them listens yet.
     */
    static int[][] pick(int nodes) {
        int[][] ports = new int[nodes][];
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < nodes; i++) {
            int[] p;
            do {
                p = FreePorts.pickSheep();
            } while (allPorts(p).stream().anyMatch(taken::contains));
            taken.addAll(allPorts(p));
            ports[i] = p;
        }
        return ports;
    }

    private static List<Integer> allPorts(int[] sheepAndNbd) {
        int membership = sheepAndNbd[0] + MembershipConfig.PORT_OFFSET;
        return List.of(sheepAndNbd[0], sheepAndNbd[1], membership, membership + MembershipConfig.FD_PORT_OFFSET);
    }
}
