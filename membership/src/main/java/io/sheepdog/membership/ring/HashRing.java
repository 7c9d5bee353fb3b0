package io.sheepdog.membership.ring;

import io.sheepdog.membership.ClusterView;
import io.sheepdog.membership.NodeAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A consistent-hash ring of virtual nodes. Each node contributes as many points as its {@code vnodes} weight
 * (gateway-only nodes, weight 0, none). An object's replicas are the first {@code copies} distinct nodes found
 * walking clockwise from its start point, skipping nodes of a zone already chosen; when fewer zones than copies
 * exist, the effective copy count is the number of zones.
 *
 * <p>"Clockwise from the object" uses multi-probe consistent hashing (Appleton and O'Reilly, 2015): the object id
 * is hashed to {@link #PROBES} positions, and the clockwise walks from all of them are merged by distance, so the
 * primary is the node of the point nearest to any probe, the second copy the next distinct node in that order, and
 * so on. With a single probe a node's share is the sum of the arcs before its points and varies by about
 * 1/sqrt(vnodes) (9% at 128 vnodes: one node of ten commonly carries 15% more than the mean); the nearest of several
 * probes evens the arcs out. It stays consistent: a joining node only inserts its points into the merged order, so
 * replicas move only to the new node, never between two old ones.
 *
 * <p>Immutable and thread-safe; built once per epoch.
 */
public final class HashRing {
    /** Probes per object. Five bring 10 equal nodes with 128 vnodes within about 5% of the mean load. */
    public static final int PROBES = 5;

    private final List<NodeAddress> nodes;
    private final long[] points;
    private final int[] owners;
    private final int[] zoneOf;
    private final int zoneCount;

    /** Builds the ring of a view's members. */
    public HashRing(ClusterView view) {
        this(view.nodes());
    }

    /** Builds the ring of {@code members}; their order does not matter. */
    public HashRing(List<NodeAddress> members) {
        this.nodes = new ClusterView(0, members).nodes();
        int total = 0;
        for (NodeAddress n : nodes) {
            total += n.vnodes();
        }
        long[][] pairs = new long[total][];
        int k = 0;
        for (int i = 0; i < nodes.size(); i++) {
            NodeAddress n = nodes.get(i);
            for (int v = 0; v < n.vnodes(); v++) {
                pairs[k++] = new long[] {RingHash.vnode(n.id().value(), v), i};
            }
        }
        Arrays.sort(pairs, (a, b) -> a[0] != b[0] ? Long.compareUnsigned(a[0], b[0]) : Long.compare(a[1], b[1]));
        this.points = new long[total];
        this.owners = new int[total];
        for (int p = 0; p < total; p++) {
            points[p] = pairs[p][0];
            owners[p] = (int) pairs[p][1];
        }
        this.zoneOf = new int[nodes.size()];
        Set<Integer> zones = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            zoneOf[i] = nodes.get(i).zone();
            if (nodes.get(i).vnodes() > 0) {
                zones.add(nodes.get(i).zone());
            }
        }
        this.zoneCount = zones.size();
    }

    /** The members, sorted by node id. */
    public List<NodeAddress> nodes() {
        return nodes;
    }

    /** Distinct zones of nodes that store data. */
    public int zoneCount() {
        return zoneCount;
    }

    /** The copy count actually achievable for {@code copies}: at most one copy per zone. */
    public int effectiveCopies(int copies) {
        return Math.min(copies, zoneCount);
    }

    /** The replica nodes of {@code oid}, primary first; fewer than {@code copies} when zones are lacking. */
    public List<NodeAddress> placement(long oid, int copies) {
        int[] idx = placementIndexes(oid, copies);
        List<NodeAddress> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(nodes.get(i));
        }
        return out;
    }

    /** Like {@link #placement} but as indexes into {@link #nodes()}, allocation-light for hot paths. */
    public int[] placementIndexes(long oid, int copies) {
        int want = effectiveCopies(copies);
        if (want <= 0) {
            return new int[0];
        }
        long[] probe = new long[PROBES];
        int[] next = new int[PROBES];
        for (int j = 0; j < PROBES; j++) {
            probe[j] = RingHash.object(oid, j);
            next[j] = ceiling(probe[j]);
        }
        int[] chosen = new int[want];
        int n = 0;
        // Merge the clockwise walks of all probes by distance from their probe; one full walk has seen every point.
        for (int step = 0; step < points.length && n < want; step++) {
            int best = 0;
            long bestDistance = points[next[0]] - probe[0];
            for (int j = 1; j < PROBES; j++) {
                long d = points[next[j]] - probe[j]; // unsigned clockwise distance, wraps correctly
                if (Long.compareUnsigned(d, bestDistance) < 0) {
                    best = j;
                    bestDistance = d;
                }
            }
            int point = next[best];
            next[best] = point + 1 == points.length ? 0 : point + 1;
            int owner = owners[point];
            if (!taken(chosen, n, owner)) {
                chosen[n++] = owner;
            }
        }
        return n == want ? chosen : Arrays.copyOf(chosen, n);
    }

    private boolean taken(int[] chosen, int n, int owner) {
        for (int i = 0; i < n; i++) {
            if (chosen[i] == owner || zoneOf[chosen[i]] == zoneOf[owner]) {
                return true;
            }
        }
        return false;
    }

    /** The first point at or after {@code h} in unsigned order, wrapping to 0. */
    private int ceiling(long h) {
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], h) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }
}
