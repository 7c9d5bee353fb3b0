package io.sheepdog.membership.testing;

import io.sheepdog.membership.FailureDetection;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Membership configurations of N nodes on 127.0.0.1 with free ports, fast failure detection. */
public final class TestCluster {
    /** Faster than the defaults so tests finish quickly; still two intervals per timeout. */
    public static final FailureDetection FAST_FD =
            new FailureDetection(Duration.ofMillis(300), Duration.ofMillis(1500), Duration.ofMillis(500));

    private TestCluster() {
    }

    /** A node address on loopback; the sheep port only feeds the id here. */
    public static NodeAddress node(int sheepPort, int zone, int vnodes) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return new NodeAddress(NodeId.of(lo, sheepPort), "127.0.0.1", sheepPort, sheepPort + 1, zone, vnodes);
    }

    /** Configurations of {@code n} nodes that all know each other's membership ports (TCPPING). */
    public static List<MembershipConfig> tcp(String clusterName, int n) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ports.add(FreePorts.membershipPort());
        }
        return tcp(clusterName, ports);
    }

    /** Configurations on the given membership ports. */
    public static List<MembershipConfig> tcp(String clusterName, List<Integer> ports) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        List<InetSocketAddress> hosts = ports.stream().map(p -> new InetSocketAddress(lo, p)).toList();
        List<MembershipConfig> out = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            int sheepPort = 20_000 + ports.get(i) % 40_000;
            MembershipConfig c = MembershipConfig.of(node(sheepPort, i, 64), new MembershipConfig.TcpJoin(hosts))
                    .withClusterName(clusterName).withBind(lo, ports.get(i)).withFailureDetection(FAST_FD)
                    .withJoinTimeout(Duration.ofMillis(1000));
            out.add(c);
        }
        return out;
    }
}
