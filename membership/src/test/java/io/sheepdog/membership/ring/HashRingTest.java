package io.sheepdog.membership.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Property tests over random clusters; every test logs its seed so a failure can be replayed. */
class HashRingTest {
    private static final int OBJECTS = 100_000;

    @RepeatedTest(5)
    void tenEqualNodesStayWithin15PercentOfTheMean() {
        long seed = seed("balance");
        Random rnd = new Random(seed);
        List<NodeAddress> nodes = randomNodes(rnd, 10, 128, true);
        for (int copies : new int[] {1, 3}) {
            HashRing ring = new HashRing(nodes);
            int[] load = new int[nodes.size()];
            for (int o = 0; o < OBJECTS; o++) {
                for (int i : ring.placementIndexes(rnd.nextLong(), copies)) {
                    load[i]++;
                }
            }
            double mean = (double) OBJECTS * copies / nodes.size();
            int max = java.util.Arrays.stream(load).max().orElseThrow();
            assertThat(max / mean).as("seed %d copies %d max/mean", seed, copies).isLessThanOrEqualTo(1.15);
        }
    }

    @RepeatedTest(5)
    void addingANodeMovesItsShareAndNothingBetweenOldNodes() {
        long seed = seed("movement");
        Random rnd = new Random(seed);
        int n = 3 + rnd.nextInt(10);
        int copies = 1 + rnd.nextInt(3);
        List<NodeAddress> old = randomNodes(rnd, n + 1, 128, true);
        NodeAddress added = old.remove(n);
        HashRing before = new HashRing(old);
        List<NodeAddress> grown = new ArrayList<>(old);
        grown.add(added);
        HashRing after = new HashRing(grown);
        long moved = 0;
        long replicas = 0;
        for (int o = 0; o < OBJECTS; o++) {
            long oid = rnd.nextLong();
            Set<NodeAddress> b = new HashSet<>(before.placement(oid, copies));
            List<NodeAddress> a = after.placement(oid, copies);
            for (NodeAddress x : a) {
                if (!b.contains(x)) {
                    assertThat(x).as("seed %d: a replica moved between two old nodes", seed).isEqualTo(added);
                    moved++;
                }
            }
            replicas += a.size();
        }
        double ideal = 1.0 / (n + 1);
        assertThat((double) moved / replicas).as("seed %d n %d copies %d moved fraction", seed, n, copies)
                .isBetween(ideal * 0.75, ideal * 1.25);
    }

    @RepeatedTest(3)
    void placementDependsOnlyOnTheMembersNotTheirOrder() {
        long seed = seed("determinism");
        Random rnd = new Random(seed);
        List<NodeAddress> nodes = randomNodes(rnd, 7, 64, true);
        List<NodeAddress> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, rnd);
        HashRing a = new HashRing(nodes);
        HashRing b = new HashRing(shuffled);
        for (int o = 0; o < 10_000; o++) {
            long oid = rnd.nextLong();
            assertThat(b.placement(oid, 3)).as("seed %d", seed).isEqualTo(a.placement(oid, 3));
        }
    }

    @Test
    void noTwoCopiesInOneZone() {
        long seed = seed("zones");
        Random rnd = new Random(seed);
        List<NodeAddress> nodes = new ArrayList<>();
        int[] zones = {1, 1, 2, 2, 3};
        for (int i = 0; i < zones.length; i++) {
            nodes.add(node(rnd.nextLong(), zones[i], 128));
        }
        HashRing ring = new HashRing(nodes);
        assertThat(ring.zoneCount()).isEqualTo(3);
        for (int o = 0; o < 20_000; o++) {
            List<NodeAddress> p = ring.placement(rnd.nextLong(), 2);
            assertThat(p).hasSize(2);
            assertThat(p.get(0).zone()).as("seed %d", seed).isNotEqualTo(p.get(1).zone());
        }
        assertThat(ring.effectiveCopies(5)).isEqualTo(3);
        assertThat(ring.placement(42, 5)).extracting(NodeAddress::zone).containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    void gatewayOnlyNodesHoldNothing() {
        NodeAddress gw = node(1, 9, 0);
        HashRing ring = new HashRing(List.of(node(2, 1, 16), node(3, 2, 16), gw));
        assertThat(ring.zoneCount()).isEqualTo(2);
        for (long oid = 0; oid < 1000; oid++) {
            assertThat(ring.placement(oid, 3)).doesNotContain(gw).hasSize(2);
        }
        assertThat(new HashRing(List.of(gw)).placement(1, 3)).isEmpty();
    }

    private static long seed(String what) {
        long seed = System.nanoTime();
        System.out.println("HashRingTest " + what + " seed " + seed);
        return seed;
    }

    private static List<NodeAddress> randomNodes(Random rnd, int count, int vnodes, boolean ownZones) {
        List<NodeAddress> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(node(rnd.nextLong(), ownZones ? i : 0, vnodes));
        }
        return nodes;
    }

    private static NodeAddress node(long id, int zone, int vnodes) {
        return new NodeAddress(new NodeId(id), "10.0.0." + (id & 0xff), 7000, 10809, zone, vnodes);
    }
}
