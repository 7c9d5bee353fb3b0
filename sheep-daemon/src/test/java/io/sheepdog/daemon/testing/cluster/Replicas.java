package io.sheepdog.daemon.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.ring.HashRing;
import io.sheepdog.store.ObjectId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Where objects really are (the files in every node's store) against where the placement ring says they belong:
 * the ring is rebuilt here, independently of the daemons, from the members as {@code collie node list} reports them
 * (address, port, zone, vnodes; the node id recomputed from address and port). Nodes are named by sheep port.
 */
public final class Replicas {
    private Replicas() {
    }

    /**
     * The ring of {@code members}.
     *
     * @throws AssertionError if a member's reported id is not FNV-1a of its address and port
     */
    public static HashRing ring(List<NodeInfo> members) {
        List<NodeAddress> nodes = new ArrayList<>();
        for (NodeInfo m : members) {
            NodeId id;
            try {
                id = NodeId.of(InetAddress.getByName(m.host()), m.port());
            } catch (UnknownHostException e) {
                throw new AssertionError("member address " + m.host() + " is not numeric", e);
            }
            if (id.value() != m.id()) {
                throw new AssertionError("member " + m.host() + ":" + m.port() + " reports id "
                        + new NodeId(m.id()) + ", expected " + id);
            }
            nodes.add(new NodeAddress(id, m.host(), m.port(), m.nbdPort(), m.zone(), m.vnodes()));
        }
        return new HashRing(nodes);
    }

    /** For every object in any node's store, the sheep ports of the nodes whose store holds it. */
    public static Map<Long, Set<Integer>> actual(TestCluster cluster) {
        Set<Integer> all = new TreeSet<>();
        cluster.endpoints().forEach(n -> all.add(n.port()));
        return actual(cluster, all);
    }

    /** As {@link #actual(TestCluster)}, over the stores of the nodes whose sheep port is in {@code ports} only. */
    public static Map<Long, Set<Integer>> actual(TestCluster cluster, Set<Integer> ports) {
        Map<Long, Set<Integer>> holders = new TreeMap<>(Long::compareUnsigned);
        for (int i = 0; i < cluster.size(); i++) {
            int port = cluster.endpoint(i).port();
            if (!ports.contains(port)) {
                continue;
            }
            for (long oid : StoreObjects.of(cluster.storeDir(i))) {
                holders.computeIfAbsent(oid, k -> new TreeSet<>()).add(port);
            }
        }
        return holders;
    }

    /** The objects the stores of the running nodes hold, each counted once. */
    public static Set<Long> heldByRunning(TestCluster cluster) {
        Set<Integer> running = new TreeSet<>();
        cluster.runningEndpoints().forEach(n -> running.add(n.port()));
        Set<Long> held = new TreeSet<>(Long::compareUnsigned);
        held.addAll(actual(cluster, running).keySet());
        return held;
    }

    /** The sheep ports of the replicas of {@code oid} on {@code ring}. */
    public static Set<Integer> expected(HashRing ring, long oid, int copies) {
        Set<Integer> ports = new TreeSet<>();
        for (NodeAddress n : ring.placement(oid, copies)) {
            ports.add(n.port());
        }
        return ports;
    }

    /**
     * Every object whose holders among {@code members} differ from its replicas on the ring of {@code members}, one
     * line each ("oid: on [ports], ring says [ports]"); empty when every object is exactly where it belongs. The
     * stores of nodes that are not members (down, say) are not looked at: what they hold is no replica.
     */
    public static List<String> misplaced(TestCluster cluster, List<NodeInfo> members, int copies) {
        HashRing ring = ring(members);
        Set<Integer> ports = new TreeSet<>();
        members.forEach(m -> ports.add(m.port()));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Long, Set<Integer>> e : actual(cluster, ports).entrySet()) {
            Set<Integer> want = expected(ring, e.getKey(), copies);
            if (!want.equals(e.getValue())) {
                wrong.add(ObjectId.toString(e.getKey()) + ": on " + e.getValue() + ", ring says " + want);
            }
        }
        return wrong;
    }

    /**
     * Every object has exactly its copies (at most {@code copies}, as many as there are zones) on the nodes the ring
     * of the {@code running} members places it on, none missing and none left elsewhere, judged from the stores on
     * disk; and the cluster's own check (OBJ_CHECK over every object of every VDI, what {@code collie cluster check}
     * runs) finds every replica good, with nothing to repair.
     */
    public static void assertEveryObjectHasItsCopies(TestCluster cluster, int running, int copies)
            throws SheepException {
        List<NodeInfo> members = cluster.awaitMembers(running);
        assertThat(actual(cluster)).as("objects in the stores").isNotEmpty();
        assertThat(misplaced(cluster, members, copies))
                .as("objects not on their %d ring replicas among %d nodes", copies, running).isEmpty();
        int node = IntStream.range(0, cluster.size()).filter(cluster::isRunning).findFirst().orElseThrow();
        SheepClient client = cluster.client(node);
        List<ObjectCheck> problems = new ArrayList<>();
        int checked = 0;
        for (VdiInfo vdi : client.list()) {
            for (long oid : client.objects(vdi.name())) {
                ObjectCheck result = client.check(oid);
                checked++;
                if (result.outcome() != ObjectCheck.Outcome.OK) {
                    problems.add(result);
                }
            }
        }
        assertThat(checked).as("objects checked").isPositive();
        assertThat(problems).as("objects the cluster check did not find whole and consistent").isEmpty();
    }
}
