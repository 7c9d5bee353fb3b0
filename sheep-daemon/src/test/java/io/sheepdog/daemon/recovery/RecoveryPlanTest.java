package io.sheepdog.daemon.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.ring.HashRing;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** What a node plans to copy in an epoch, from every data node's object list. */
class RecoveryPlanTest {
    private static final int COPIES = 2;
    private static final IntUnaryOperator COPIES_OF = vid -> COPIES;

    private final List<NodeAddress> nodes = List.of(node(1), node(2), node(3), node(4));
    private final HashRing ring = new HashRing(nodes);
    private final Placement.Snapshot epoch = snapshot(5, nodes, ring, null);

    @Test
    void aStaleOwnedCopyIsFetchedFromTheHoldersOfTheNewestVersionOnly() {
        NodeAddress self = nodes.get(0);
        long oid = ownedBy(self, true, 0);
        List<NodeAddress> others = ring.placement(oid, COPIES).stream().filter(n -> !n.equals(self)).toList();
        NodeAddress notOwner = nodes.stream().filter(n -> !ring.placement(oid, COPIES).contains(n)).findFirst()
                .orElseThrow();
        Map<NodeAddress, List<ObjectInfo>> lists = emptyLists();
        lists.get(self).add(new ObjectInfo(oid, new ObjectVersion(4, 9), 100));
        lists.get(others.get(0)).add(new ObjectInfo(oid, new ObjectVersion(5, 2), 300));
        lists.get(notOwner).add(new ObjectInfo(oid, new ObjectVersion(5, 2), 300)); // a leftover, as new

        RecoveryPlan plan = RecoveryPlan.compute(self.id(), epoch, COPIES_OF, vid -> false, lists);

        assertThat(plan.tasks()).singleElement().satisfies(t -> {
            assertThat(t.oid()).isEqualTo(oid);
            assertThat(t.version()).isEqualTo(new ObjectVersion(5, 2));
            assertThat(t.sources()).containsExactlyInAnyOrder(others.get(0), notOwner);
            assertThat(t.bytes()).isEqualTo(300);
        });
        assertThat(plan.bytes()).isEqualTo(300);
    }

    @Test
    void anOwnedCopyAtTheNewestVersionAndObjectsOwnedElsewhereAreLeftAlone() {
        NodeAddress self = nodes.get(0);
        long mine = ownedBy(self, true, 0);
        long notMine = ownedBy(self, false, 0);
        Map<NodeAddress, List<ObjectInfo>> lists = emptyLists();
        lists.get(self).add(new ObjectInfo(mine, new ObjectVersion(5, 7), 10));
        for (NodeAddress n : ring.placement(mine, COPIES)) {
            if (!n.equals(self)) {
                lists.get(n).add(new ObjectInfo(mine, new ObjectVersion(5, 7), 10));
            }
        }
        for (NodeAddress n : ring.placement(notMine, COPIES)) {
            lists.get(n).add(new ObjectInfo(notMine, new ObjectVersion(5, 1), 10));
        }

        assertThat(RecoveryPlan.compute(self.id(), epoch, COPIES_OF, vid -> false, lists).tasks()).isEmpty();
    }

    @Test
    void objectsOfDeletedVdisAreNeverRecoveredAndDroppedHere() {
        NodeAddress self = nodes.get(0);
        long mine = ownedBy(self, true, 0);
        Map<NodeAddress, List<ObjectInfo>> lists = emptyLists();
        lists.get(self).add(new ObjectInfo(mine, new ObjectVersion(5, 1), 10)); // older here: would be recovered
        for (NodeAddress n : ring.placement(mine, COPIES)) {
            if (!n.equals(self)) {
                lists.get(n).add(new ObjectInfo(mine, new ObjectVersion(5, 7), 10));
            }
        }
        int vid = ObjectId.vid(mine);

        RecoveryPlan kept = RecoveryPlan.compute(self.id(), epoch, COPIES_OF, v -> false, lists);
        RecoveryPlan retired = RecoveryPlan.compute(self.id(), epoch, COPIES_OF, v -> v == vid, lists);

        assertThat(kept.tasks()).extracting(RecoveryPlan.Task::oid).containsExactly(mine);
        assertThat(kept.stale()).isEmpty();
        assertThat(retired.tasks()).isEmpty();
        assertThat(retired.stale()).containsExactly(mine);
    }

    /**
     * Random lists: every planned object is owned here and older or missing here, comes from exactly the nodes
     * listing its newest version, and every owned object older or missing here is planned.
     */
    @RepeatedTest(20)
    void randomListsPlanExactlyTheOwnedObjectsThatAreMissingOrBehind() {
        long seed = System.nanoTime();
        System.out.println("RecoveryPlanTest seed " + seed);
        Random rnd = new Random(seed);
        NodeAddress self = nodes.get(rnd.nextInt(nodes.size()));
        Map<NodeAddress, List<ObjectInfo>> lists = emptyLists();
        for (int i = 0; i < 300; i++) {
            long oid = ObjectId.data(1 + rnd.nextInt(3), rnd.nextInt(1000));
            for (NodeAddress n : nodes) {
                if (rnd.nextInt(3) == 0 && lists.get(n).stream().noneMatch(o -> o.oid() == oid)) {
                    lists.get(n).add(new ObjectInfo(oid, new ObjectVersion(3 + rnd.nextInt(3), rnd.nextInt(4)),
                            rnd.nextInt(1 << 22)));
                }
            }
        }

        RecoveryPlan plan = RecoveryPlan.compute(self.id(), epoch, COPIES_OF, vid -> false, lists);

        Map<Long, ObjectVersion> newest = new HashMap<>();
        Map<Long, ObjectVersion> here = new HashMap<>();
        lists.forEach((n, objs) -> objs.forEach(o -> {
            newest.merge(o.oid(), o.version(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
            if (n.equals(self)) {
                here.put(o.oid(), o.version());
            }
        }));
        Set<Long> expected = new HashSet<>();
        newest.forEach((oid, v) -> {
            boolean owned = ring.placement(oid, COPIES).contains(self);
            ObjectVersion mine = here.get(oid);
            if (owned && (mine == null || mine.compareTo(v) < 0)) {
                expected.add(oid);
            }
        });
        assertThat(plan.tasks()).extracting(RecoveryPlan.Task::oid).as("seed %d", seed)
                .containsExactlyInAnyOrderElementsOf(expected);
        long bytes = 0;
        for (RecoveryPlan.Task t : plan.tasks()) {
            assertThat(t.version()).as("seed %d oid %x", seed, t.oid()).isEqualTo(newest.get(t.oid()));
            List<NodeAddress> holders = new ArrayList<>();
            lists.forEach((n, objs) -> objs.stream()
                    .filter(o -> o.oid() == t.oid() && o.version().equals(t.version())).forEach(o -> holders.add(n)));
            assertThat(t.sources()).as("seed %d oid %x", seed, t.oid()).containsExactlyInAnyOrderElementsOf(holders);
            bytes += t.bytes();
        }
        assertThat(plan.bytes()).isEqualTo(bytes);
    }

    /** The first data object of VDI 1 from {@code from} on that the ring places on {@code node} or not. */
    /**
     * Node 1 was away for epoch 4 and rejoins in 5. An object only it holds, that a replica of epoch 4 (still here)
     * lacks, was removed while node 1 was away: nobody recovers it and node 1 drops its copy. One that a node of
     * epoch 4 holds in any version is recovered as usual.
     */
    @Test
    void anObjectOnlyRejoinedNodesHoldAndAReplicaThatStayedLacksWasRemovedWhileTheyWereAway() {
        NodeAddress away = nodes.get(0);
        List<NodeAddress> stayed = nodes.subList(1, 4);
        HashRing before = new HashRing(stayed);
        Placement.Snapshot previous = snapshot(4, stayed, before, null);
        Placement.Snapshot now = snapshot(5, nodes, ring, previous);
        long removed = ownedBy(away, true, 0);
        long kept = ownedBy(away, true, (int) ObjectId.index(removed) + 1);
        Map<NodeAddress, List<ObjectInfo>> lists = emptyLists();
        lists.get(away).add(new ObjectInfo(removed, new ObjectVersion(3, 1), 100));
        lists.get(away).add(new ObjectInfo(kept, new ObjectVersion(3, 1), 100));
        NodeAddress holder = before.placement(kept, COPIES).get(0);
        lists.get(holder).add(new ObjectInfo(kept, new ObjectVersion(3, 1), 100));

        RecoveryPlan mine = RecoveryPlan.compute(away.id(), now, COPIES_OF, vid -> false, lists);
        assertThat(mine.stale()).containsExactly(removed);
        assertThat(mine.tasks()).extracting(RecoveryPlan.Task::oid).doesNotContain(removed);
        for (NodeAddress n : stayed) {
            RecoveryPlan theirs = RecoveryPlan.compute(n.id(), now, COPIES_OF, vid -> false, lists);
            assertThat(theirs.tasks()).extracting(RecoveryPlan.Task::oid).as("node %s", n).doesNotContain(removed);
            assertThat(theirs.stale()).isEmpty();
        }
        assertThat(RecoveryPlan.compute(away.id(), epoch, COPIES_OF, vid -> false, lists).stale())
                .as("without the previous epoch nothing is called removed").isEmpty();
    }

    /** The placement of epoch {@code number} over {@code ring}, after {@code previous} (null: unknown). */
    private static Placement.Snapshot snapshot(long number, List<NodeAddress> dataNodes, HashRing ring,
                                               Placement.Snapshot previous) {
        return new Placement.Snapshot() {
            @Override
            public long epoch() {
                return number;
            }

            @Override
            public List<NodeAddress> dataNodes() {
                return dataNodes;
            }

            @Override
            public List<NodeAddress> replicas(long oid, int copies) {
                return ring.placement(oid, copies);
            }

            @Override
            public Optional<Placement.Snapshot> previous() {
                return Optional.ofNullable(previous);
            }
        };
    }

    private long ownedBy(NodeAddress node, boolean owned, int from) {
        for (int i = from; ; i++) {
            long oid = ObjectId.data(1, i);
            if (ring.placement(oid, COPIES).contains(node) == owned) {
                return oid;
            }
        }
    }

    private Map<NodeAddress, List<ObjectInfo>> emptyLists() {
        Map<NodeAddress, List<ObjectInfo>> lists = new LinkedHashMap<>();
        nodes.forEach(n -> lists.put(n, new ArrayList<>()));
        return lists;
    }

    private static NodeAddress node(int i) {
        return new NodeAddress(new NodeId(1000 + i), "10.0.0." + i, 7000, 10809, i, 64);
    }
}
