package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.NodeInfo;
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
import java.util.function.IntPredicate;

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
        return actual(cluster, i -> true);
    }

    /** The objects the stores of the running nodes hold, each counted once. */
    public static Set<Long> heldByRunning(TestCluster cluster) {
        Set<Long> held = new TreeSet<>(Long::compareUnsigned);
        held.addAll(actual(cluster, cluster::isRunning).keySet());
        return held;
    }

    /** For every object in the store of a node {@code which} accepts, the sheep ports of those holding it. */
    private static Map<Long, Set<Integer>> actual(TestCluster cluster, IntPredicate which) {
        Map<Long, Set<Integer>> holders = new TreeMap<>(Long::compareUnsigned);
        for (int i = 0; i < cluster.size(); i++) {
            if (!which.test(i)) {
                continue;
            }
            int port = cluster.endpoint(i).port();
            for (long oid : StoreObjects.of(cluster.storeDir(i))) {
                holders.computeIfAbsent(oid, k -> new TreeSet<>()).add(port);
            }
        }
        return holders;
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
     * Every object whose holders differ from its replicas on the ring of {@code members}, one line each
     * ("oid: on [ports], ring says [ports]"); empty when every object is exactly where it belongs.
     */
    public static List<String> misplaced(TestCluster cluster, List<NodeInfo> members, int copies) {
        return misplaced(actual(cluster), members, copies);
    }

    /**
     * Like {@link #misplaced(TestCluster, List, int)}, looking only at the stores of the nodes that run: the stores
     * of nodes killed for good still hold their old copies, which the ring of the living no longer counts.
     */
    public static List<String> misplacedAmongRunning(TestCluster cluster, List<NodeInfo> members, int copies) {
        return misplaced(actual(cluster, cluster::isRunning), members, copies);
    }

    private static List<String> misplaced(Map<Long, Set<Integer>> holders, List<NodeInfo> members, int copies) {
        HashRing ring = ring(members);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Long, Set<Integer>> e : holders.entrySet()) {
            Set<Integer> want = expected(ring, e.getKey(), copies);
            if (!want.equals(e.getValue())) {
                wrong.add(ObjectId.toString(e.getKey()) + ": on " + e.getValue() + ", ring says " + want);
            }
        }
        return wrong;
    }
}
