package io.sheepdog.collie.simulate;

import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.ring.HashRing;
import io.sheepdog.store.ObjectId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Places the objects of a synthetic cluster with the daemon's {@link HashRing} and measures what the ring promises:
 * an even load, and that a node joining or leaving moves only its own share.
 *
 * <p>Node {@code i} is the sheep at {@code 10.x.y.z:7000} (the address spelling {@code i}), with the node id a daemon
 * there would have, in zone {@link SimulationSettings#zoneOf(int) zoneOf(i)}. The joining node is node {@code N}; the
 * leaving node is node {@link #leavingNode seed mod N}. Objects are the data objects of 100 GiB VDIs
 * (25,600 objects each) with random 24-bit VDI ids, as {@link ObjectId#data} numbers them.
 */
public final class PlacementSimulation {
    /** Data objects per synthetic VDI: 100 GiB in 4 MiB objects. */
    static final int OBJECTS_PER_VDI = 25_600;
    /** The sheep port of every synthetic node (ids differ by address). */
    static final int PORT = 7000;
    /** Lookups run before the timed pass, so that the JIT has compiled the lookup. */
    private static final int WARM_UP_LOOKUPS = 200_000;

    private final SimulationSettings settings;
    private final long[] oids;
    private final Consumer<String> progress;

    /**
     * @param progress told what is being computed, for an operator watching a long run
     */
    public PlacementSimulation(SimulationSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
        this.oids = objectIds(settings);
    }

    /** The result for a cluster of {@code nodeCount} nodes. */
    public SimulatedCluster run(int nodeCount) {
        settings.checkNodes(nodeCount);
        List<NodeAddress> members = nodes(settings, nodeCount + 1);
        Map<NodeId, Integer> index = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            index.put(members.get(i).id(), i);
        }
        if (index.size() != members.size()) {
            throw new IllegalStateException("two synthetic nodes have the same node id");
        }
        NodeAddress joining = members.remove(nodeCount);
        int copies = settings.redundancy().copies();

        progress.accept(nodeCount + " nodes: placing " + oids.length + " objects");
        HashRing ring = new HashRing(members);
        int placed = ring.effectiveCopies(copies);
        int[] before = new int[oids.length * placed];
        long[] loads = new long[nodeCount];
        int[] toOurs = translation(ring, index);
        for (int o = 0; o < oids.length; o++) {
            int[] p = ring.placementIndexes(oids[o], copies);
            for (int c = 0; c < placed; c++) {
                int node = toOurs[p[c]];
                before[o * placed + c] = node;
                loads[node]++;
            }
        }

        progress.accept(nodeCount + " nodes: one node joins");
        List<NodeAddress> grown = new ArrayList<>(members);
        grown.add(joining);
        double joinMoved = movedFraction(before, placed, new HashRing(grown), index);

        double leaveMoved = Double.NaN;
        if (nodeCount > 1) {
            progress.accept(nodeCount + " nodes: one node leaves");
            List<NodeAddress> shrunk = new ArrayList<>(members);
            shrunk.remove(leavingNode(settings, nodeCount));
            leaveMoved = movedFraction(before, placed, new HashRing(shrunk), index);
        }

        progress.accept(nodeCount + " nodes: timing lookups");
        double nanos = nanosPerLookup(ring);

        long total = 0;
        long max = 0;
        long min = Long.MAX_VALUE;
        for (long l : loads) {
            total += l;
            max = Math.max(max, l);
            min = Math.min(min, l);
        }
        double mean = (double) total / nodeCount;
        PlacementStats stats = new PlacementStats(nodeCount, ring.zoneCount(), placed, oids.length, max / mean,
                min / mean, joinMoved, 1.0 / (nodeCount + 1), leaveMoved,
                nodeCount > 1 ? 1.0 / nodeCount : Double.NaN, nanos);
        return new SimulatedCluster(stats, loads);
    }

    /**
     * Replicas placed by {@code after} on a node that did not hold them in {@code before}, as a fraction of all
     * replicas {@code after} places.
     */
    private double movedFraction(int[] before, int placedBefore, HashRing after, Map<NodeId, Integer> index) {
        int[] toOurs = translation(after, index);
        long moved = 0;
        long replicas = 0;
        for (int o = 0; o < oids.length; o++) {
            int[] p = after.placementIndexes(oids[o], settings.copies());
            for (int ringIndex : p) {
                int node = toOurs[ringIndex];
                if (!held(before, o * placedBefore, placedBefore, node)) {
                    moved++;
                }
            }
            replicas += p.length;
        }
        return (double) moved / replicas;
    }

    private static boolean held(int[] before, int from, int count, int node) {
        for (int i = from; i < from + count; i++) {
            if (before[i] == node) {
                return true;
            }
        }
        return false;
    }

    private double nanosPerLookup(HashRing ring) {
        long sink = 0;
        // At most a few passes over small sets: enough to compile the lookup, without dominating a small run.
        int warmUp = (int) Math.min(WARM_UP_LOOKUPS, 4L * oids.length);
        for (int i = 0; i < warmUp; i++) {
            sink += ring.placementIndexes(oids[i % oids.length], settings.copies())[0];
        }
        long start = System.nanoTime();
        for (long oid : oids) {
            sink += ring.placementIndexes(oid, settings.copies())[0];
        }
        long elapsed = System.nanoTime() - start;
        if (sink == Long.MIN_VALUE) {
            // Never true; it keeps the JIT from discarding the lookups whose results are otherwise unused.
            progress.accept("");
        }
        return (double) elapsed / oids.length;
    }

    /** Maps the ring's node indexes (nodes sorted by id) to ours (creation order). */
    private static int[] translation(HashRing ring, Map<NodeId, Integer> index) {
        List<NodeAddress> ringNodes = ring.nodes();
        int[] toOurs = new int[ringNodes.size()];
        for (int i = 0; i < toOurs.length; i++) {
            toOurs[i] = index.get(ringNodes.get(i).id());
        }
        return toOurs;
    }

    /** The node that leaves a cluster of {@code nodeCount} nodes: node {@code seed mod nodeCount}. */
    static int leavingNode(SimulationSettings settings, int nodeCount) {
        return (int) Math.floorMod(settings.seed(), (long) nodeCount);
    }

    /** Nodes 0..count-1 of the synthetic cluster. */
    static List<NodeAddress> nodes(SimulationSettings settings, int count) {
        List<NodeAddress> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
            String host;
            NodeId id;
            try {
                InetAddress address = InetAddress.getByAddress(ip);
                host = address.getHostAddress();
                id = NodeId.of(address, PORT);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a 4-byte address is always valid", e);
            }
            nodes.add(new NodeAddress(id, host, PORT, PORT + 3809, settings.zoneOf(i), settings.vnodes()));
        }
        return nodes;
    }

    /** The synthetic object ids, in VDI order. */
    static long[] objectIds(SimulationSettings settings) {
        Random random = new Random(settings.seed());
        long[] oids = new long[Math.toIntExact(settings.objects())];
        int vid = 0;
        for (int o = 0; o < oids.length; o++) {
            if (o % OBJECTS_PER_VDI == 0) {
                vid = 1 + random.nextInt(ObjectId.MAX_VDI_ID);
            }
            oids[o] = ObjectId.data(vid, o % OBJECTS_PER_VDI);
        }
        return oids;
    }

    /**
     * One simulated cluster size: its figures and the load of each node.
     *
     * @param stats the figures
     * @param loads replicas per node, in node order
     */
    public record SimulatedCluster(PlacementStats stats, long[] loads) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SimulatedCluster c && stats.equals(c.stats) && Arrays.equals(loads, c.loads);
        }

        @Override
        public int hashCode() {
            return 31 * stats.hashCode() + Arrays.hashCode(loads);
        }

        @Override
        public String toString() {
            return "SimulatedCluster[" + stats + ", loads=" + Arrays.toString(loads) + "]";
        }
    }
}
