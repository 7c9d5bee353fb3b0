package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ObjectCheck.Finding;
import io.sheepdog.daemon.api.ObjectCheck.Outcome;
import io.sheepdog.daemon.api.ObjectCheck.Problem;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.cluster.StoreObjects;
import io.sheepdog.daemon.testing.cluster.VdiBlocks;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica check in an in-process cluster of 3 nodes with 3 copies, after damaging stores on disk: one object's
 * data file deleted on node 1 (its record remains, so the replica is damaged, not merely absent), one block of
 * another object flipped on node 2. The check (VDI_OBJECTS, then OBJ_CHECK per object) repairs exactly those two
 * replicas and counts them; a second check finds nothing. A read through the node holding the flipped block returns
 * the right data and repairs that replica.
 */
@Tag("cluster")
class ReplicaCheckIT {
    private static final int BLOCK = 64 * 1024;
    private static final int OBJECTS = 4;

    @TempDir
    Path work;

    @Test
    void theCheckRepairsALostFileAndAFlippedBlockThenFindsNothing() throws Exception {
        Random random = new Random(42);
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(3).start()) {
            cluster.awaitMembers(3);
            long first = cluster.awaitEpoch(1);
            VdiInfo vdi = cluster.client(0).create("chk", (long) OBJECTS * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("chk");
            byte[][] data = write(cluster, vdi.vid(), random);
            long lost = ObjectId.data(vdi.vid(), 1);
            long flipped = ObjectId.data(vdi.vid(), 2);

            // The file goes while node 1 is down, so no open descriptor keeps its data alive.
            cluster.stop(1);
            cluster.awaitMembers(2);
            long without = cluster.awaitEpoch(first + 1);
            Files.delete(StoreObjects.file(cluster.storeDir(1), lost));
            cluster.restart(1);
            List<NodeInfo> members = cluster.awaitMembers(3);
            cluster.awaitRecovered(cluster.awaitEpoch(without + 1));
            StoreObjects.flipByte(cluster.storeDir(2), flipped, 100);
            assertThat(StoreObjects.of(cluster.storeDir(1))).doesNotContain(lost);

            List<ObjectCheck> results = checkAll(cluster, "chk");

            assertThat(results).hasSize(1 + OBJECTS);
            List<Finding> findings = results.stream().flatMap(r -> r.findings().stream()).toList();
            assertThat(findings).extracting(Finding::node, Finding::problem, Finding::repaired)
                    .containsExactlyInAnyOrder(
                            tuple(cluster.endpoint(1).host() + ":" + cluster.endpoint(1).port(), Problem.DAMAGED,
                                    true),
                            tuple(cluster.endpoint(2).host() + ":" + cluster.endpoint(2).port(), Problem.DAMAGED,
                                    true));
            assertThat(results).filteredOn(r -> r.outcome() == Outcome.REPAIRED).extracting(ObjectCheck::oid)
                    .containsExactlyInAnyOrder(lost, flipped);
            assertThat(results).filteredOn(r -> r.outcome() != Outcome.REPAIRED).extracting(ObjectCheck::outcome)
                    .containsOnly(Outcome.OK);
            assertThat(repairedOnAllNodes(cluster)).as("sheep.repair.objects over the nodes").isEqualTo(2);

            assertThat(Replicas.misplaced(cluster, members, 3)).as("objects off their ring replicas").isEmpty();
            assertThat(StoreObjects.of(cluster.storeDir(1))).contains(lost);
            for (int node = 0; node < 3; node++) {
                VdiBlocks.assertReadsBack(cluster, node, vdi.vid(), data);
            }
            assertThat(checkAll(cluster, "chk")).as("a second check").allSatisfy(r -> {
                assertThat(r.outcome()).isEqualTo(Outcome.OK);
                assertThat(r.findings()).isEmpty();
            });
            assertThat(repairedOnAllNodes(cluster)).isEqualTo(2);
        }
    }

    @Test
    void aReadThroughTheNodeWithAFlippedBlockReturnsTheRightDataAndRepairsIt() throws Exception {
        Random random = new Random(7);
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(3).start()) {
            cluster.awaitMembers(3);
            cluster.awaitEpoch(1);
            VdiInfo vdi = cluster.client(0).create("rd", (long) OBJECTS * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("rd");
            byte[][] data = write(cluster, vdi.vid(), random);
            long oid = ObjectId.data(vdi.vid(), 3);
            StoreObjects.flipByte(cluster.storeDir(2), oid, 10);
            long before = cluster.client(2).recovery().repaired();

            // Node 2 reads its own (damaged) replica first, fails over, and repairs it in the background.
            VdiBlocks.assertReadsBack(cluster, 2, vdi.vid(), data);
            Poll.until("node 2 repairs its replica", Duration.ofSeconds(30), why ->
                    cluster.client(2).recovery().repaired() > before ? Optional.of(true) : Optional.empty());

            ObjectCheck after = cluster.client(0).check(oid);
            assertThat(after.outcome()).as(after.toString()).isEqualTo(Outcome.OK);
        }
    }

    /** Writes a random block at the start of every object of the VDI, through node 0. */
    private static byte[][] write(MiniCluster cluster, int vid, Random random) throws Exception {
        byte[][] data = new byte[OBJECTS][BLOCK];
        for (int i = 0; i < OBJECTS; i++) {
            random.nextBytes(data[i]);
            cluster.client(0).write(vid, (long) i * ObjectLayout.OBJECT_SIZE, Unpooled.wrappedBuffer(data[i]), false)
                    .get(60, TimeUnit.SECONDS);
        }
        return data;
    }

    /** The check as collie drives it: the VDI's objects, then each one, through node 0. */
    private static List<ObjectCheck> checkAll(MiniCluster cluster, String name) throws SheepException {
        List<ObjectCheck> results = new ArrayList<>();
        for (long oid : cluster.client(0).objects(name)) {
            results.add(cluster.client(0).check(oid));
        }
        return results;
    }

    private static long repairedOnAllNodes(MiniCluster cluster) throws SheepException {
        long sum = 0;
        for (int i = 0; i < cluster.size(); i++) {
            sum += cluster.client(i).recovery().repaired();
        }
        return sum;
    }

}
