package io.sheepdog.collie.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sheepdog.collie.simulate.PlacementSimulation.SimulatedCluster;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.ring.HashRing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulator's figures against cases whose answer is known, and against a recomputation over the ring. */
class PlacementSimulationTest {

    private static final double EXACT = 1e-12;

    @Test
    void everyNodeHoldingEveryObjectGivesExactFigures() {
        // More copies than nodes: every node holds every object, so the load is perfectly even, a joining node
        // receives one replica of every object (exactly its share, 1/4 of the replicas after the join), and a
        // leaving node moves nothing (the others hold everything already).
        SimulationSettings settings = new SimulationSettings(500, 5, 16, 0, 42);
        PlacementStats s = new PlacementSimulation(settings, step -> { }).run(3).stats();

        assertThat(s.nodes()).isEqualTo(3);
        assertThat(s.zones()).isEqualTo(3);
        assertThat(s.copies()).isEqualTo(3);
        assertThat(s.objects()).isEqualTo(500);
        assertThat(s.maxOverMean()).isCloseTo(1.0, within(EXACT));
        assertThat(s.minOverMean()).isCloseTo(1.0, within(EXACT));
        assertThat(s.joinMoved()).isCloseTo(0.25, within(EXACT));
        assertThat(s.joinIdeal()).isCloseTo(0.25, within(EXACT));
        assertThat(s.joinRatio()).isCloseTo(1.0, within(EXACT));
        assertThat(s.leaveMoved()).isZero();
        assertThat(s.leaveIdeal()).isCloseTo(1.0 / 3, within(EXACT));
        assertThat(s.nanosPerLookup()).isPositive();
    }

    @Test
    void figuresMatchARecomputationOverTheRing() {
        SimulationSettings settings = new SimulationSettings(10_000, 2, 32, 3, 7);
        int n = 5;
        SimulatedCluster result = new PlacementSimulation(settings, step -> { }).run(n);

        // Recompute from the ring's public placement (by node, not by index) and plain counting.
        List<NodeAddress> all = PlacementSimulation.nodes(settings, n + 1);
        List<NodeAddress> members = new ArrayList<>(all.subList(0, n));
        long[] oids = PlacementSimulation.objectIds(settings);
        HashRing ring = new HashRing(members);
        Map<NodeAddress, Long> load = new HashMap<>();
        List<Set<NodeAddress>> before = new ArrayList<>();
        for (long oid : oids) {
            List<NodeAddress> p = ring.placement(oid, 2);
            before.add(new HashSet<>(p));
            p.forEach(node -> load.merge(node, 1L, Long::sum));
        }
        long[] expectedLoads = members.stream().mapToLong(node -> load.getOrDefault(node, 0L)).toArray();
        double mean = (double) oids.length * 2 / n;
        long max = load.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long min = members.stream().mapToLong(node -> load.getOrDefault(node, 0L)).min().orElseThrow();

        List<NodeAddress> grown = new ArrayList<>(all);
        List<NodeAddress> shrunk = new ArrayList<>(members);
        shrunk.remove(PlacementSimulation.leavingNode(settings, n));
        assertThat(shrunk).hasSize(n - 1).doesNotContain(members.get(7 % n));

        PlacementStats s = result.stats();
        assertThat(result.loads()).containsExactly(expectedLoads);
        assertThat(s.copies()).isEqualTo(2);
        assertThat(s.zones()).isEqualTo(3);
        assertThat(s.maxOverMean()).isCloseTo(max / mean, within(EXACT));
        assertThat(s.minOverMean()).isCloseTo(min / mean, within(EXACT));
        assertThat(s.joinMoved()).isCloseTo(moved(before, new HashRing(grown), oids), within(EXACT));
        assertThat(s.joinIdeal()).isCloseTo(1.0 / 6, within(EXACT));
        assertThat(s.leaveMoved()).isCloseTo(moved(before, new HashRing(shrunk), oids), within(EXACT));
        assertThat(s.leaveIdeal()).isCloseTo(1.0 / 5, within(EXACT));
        // A consistent ring moves something, but not much more than the changed node's share.
        assertThat(s.joinMoved()).isPositive();
        assertThat(s.leaveRatio()).isBetween(0.5, 2.0);
    }

    @Test
    void aSingleNodeHasNoLeaveFigures() {
        PlacementStats s = new PlacementSimulation(new SimulationSettings(100, 3, 8, 0, 1), step -> { }).run(1)
                .stats();
        assertThat(s.maxOverMean()).isCloseTo(1.0, within(EXACT));
        assertThat(s.leaveMoved()).isNaN();
        assertThat(s.leaveIdeal()).isNaN();
        assertThat(s.joinIdeal()).isCloseTo(0.5, within(EXACT));
    }

    @Test
    void syntheticNodesAndObjectsAreRepeatableAndSpreadOverZones() {
        SimulationSettings settings = new SimulationSettings(30_000, 3, 8, 4, 9);
        List<NodeAddress> nodes = PlacementSimulation.nodes(settings, 300);
        assertThat(nodes).extracting(NodeAddress::id).doesNotHaveDuplicates();
        assertThat(nodes.get(258).host()).isEqualTo("10.0.1.2");
        assertThat(nodes).extracting(NodeAddress::zone).containsOnly(0, 1, 2, 3);
        assertThat(nodes.get(5).zone()).isEqualTo(1);
        assertThat(PlacementSimulation.nodes(settings, 300)).isEqualTo(nodes);
        long[] oids = PlacementSimulation.objectIds(settings);
        assertThat(oids).hasSize(30_000).doesNotHaveDuplicates().isEqualTo(PlacementSimulation.objectIds(settings));
        assertThat(new SimulationSettings(1, 1, 1, 0, 1).zoneOf(17)).isEqualTo(17);
    }

    @Test
    void settingsOutOfRangeAreRefusedWithTheOptionName() {
        assertThatThrownBy(() -> new SimulationSettings(0, 3, 128, 0, 1)).hasMessageContaining("--objects");
        assertThatThrownBy(() -> new SimulationSettings(10, 0, 128, 0, 1)).hasMessageContaining("--copies");
        assertThatThrownBy(() -> new SimulationSettings(10, 3, 0, 0, 1)).hasMessageContaining("--vnodes");
        assertThatThrownBy(() -> new SimulationSettings(10, 3, 128, -1, 1)).hasMessageContaining("--zones");
        SimulationSettings ok = new SimulationSettings(10, 3, 65_535, 0, 1);
        assertThatThrownBy(() -> ok.checkNodes(0)).hasMessageContaining("at least 1 node");
        assertThatThrownBy(() -> ok.checkNodes(1000)).hasMessageContaining("ring points");
    }

    /** Replicas {@code after} places on a node that did not hold them {@code before}, over all it places. */
    private static double moved(List<Set<NodeAddress>> before, HashRing after, long[] oids) {
        long moved = 0;
        long replicas = 0;
        for (int o = 0; o < oids.length; o++) {
            for (NodeAddress node : after.placement(oids[o], 2)) {
                if (!before.get(o).contains(node)) {
                    moved++;
                }
                replicas++;
            }
        }
        return (double) moved / replicas;
    }
}
