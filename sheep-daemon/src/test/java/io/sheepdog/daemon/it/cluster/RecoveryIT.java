package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.recovery.RecoveryThrottle;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.cluster.StoreObjects;
import io.sheepdog.daemon.testing.cluster.VdiBlocks;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery in an in-process cluster: a node that was down while objects were overwritten and created gets them
 * when it returns and never serves what it held before; a node joining takes its share of the objects and the old
 * owners drop theirs once the whole cluster recovered, leaving every object exactly on its ring replicas.
 */
@Tag("cluster")
class RecoveryIT {
    private static final int BLOCK = 64 * 1024;
    private static final int OBJECTS = 8;

    @TempDir
    Path work;

    @Test
    void aNodeThatWasDownGetsTheWritesItMissedAndNeverServesWhatItHeldBefore() throws Exception {
        Random random = seeded();
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(3).start()) {
            cluster.awaitMembers(3);
            long first = cluster.awaitEpoch(1);
            VdiInfo vdi = cluster.client(0).create("rec", 2L * OBJECTS * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("rec");
            byte[][] before = randomBlocks(random, OBJECTS);
            write(cluster, 0, vdi.vid(), before, 0);

            long without = leave(cluster, 2, first);
            byte[][] after = randomBlocks(random, 2 * OBJECTS); // overwrites the first half, creates the second
            write(cluster, 1, vdi.vid(), after, 0);

            long back = rejoin(cluster, 2, without);
            // At once, before recovery is known to be done: node 2 reads its own copy first and must not serve the
            // data it held before it went down.
            VdiBlocks.assertReadsBack(cluster, 2, vdi.vid(), after);

            List<RecoveryInfo> states = cluster.awaitRecovered(back);
            RecoveryInfo node2 = states.get(2);
            assertThat(node2.recoveredEpoch()).isEqualTo(back);
            assertThat(node2.failed()).isZero();
            // Every node holds every object again (copies 3 on 3 nodes).
            for (int node = 0; node < 3; node++) {
                assertThat(StoreObjects.ofVdi(cluster.storeDir(node), vdi.vid()))
                        .as("objects of node %d", node).containsAll(dataObjects(vdi.vid(), 2 * OBJECTS));
                VdiBlocks.assertReadsBack(cluster, node, vdi.vid(), after);
            }
        }
    }

    @Test
    void aJoiningNodeTakesItsShareAndTheOldOwnersDropTheirs() throws Exception {
        Random random = seeded();
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(2).start()) {
            cluster.awaitMembers(3);
            long first = cluster.awaitEpoch(1);
            long two = leave(cluster, 2, first);
            VdiInfo vdi = cluster.client(0).create("grow", 4L * OBJECTS * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("grow");
            byte[][] data = randomBlocks(random, 4 * OBJECTS);
            write(cluster, 0, vdi.vid(), data, 0);
            assertThat(StoreObjects.ofVdi(cluster.storeDir(2), vdi.vid())).isEmpty();

            long three = rejoin(cluster, 2, two);
            cluster.awaitRecovered(three);

            assertThat(StoreObjects.ofVdi(cluster.storeDir(2), vdi.vid())).as("node 2's share").isNotEmpty();
            List<NodeInfo> members = cluster.awaitMembers(3);
            assertThat(Replicas.misplaced(cluster, members, 2)).as("objects off their ring replicas").isEmpty();
            for (int node = 0; node < 3; node++) {
                VdiBlocks.assertReadsBack(cluster, node, vdi.vid(), data);
            }
        }
    }

    /**
     * Node 2 returns to a cluster that wrote {@value #OBJECTS} * 4 objects without it and recovers slowly (one
     * object at a time, 128 KiB/s: about two objects a second). Part-way, node 1 stops: a new epoch in which node 2
     * owns every object. Its new plan must not hold the objects it already copied (progress is kept), and in the end
     * every object is on both remaining nodes and reads back through each.
     */
    @Test
    void aNewEpochDuringRecoveryRestartsThePlanAndKeepsWhatWasCopied() throws Exception {
        Random random = seeded();
        int objects = 4 * OBJECTS;
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(2).start()) {
            cluster.awaitMembers(3);
            long first = cluster.awaitEpoch(1);
            for (int node = 0; node < 3; node++) {
                cluster.client(node).setRecoveryThrottle(2 * BLOCK, 1);
            }
            long two = leave(cluster, 2, first);
            VdiInfo vdi = cluster.client(0).create("moving", (long) objects * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("moving");
            byte[][] data = randomBlocks(random, objects);
            write(cluster, 0, vdi.vid(), data, 0);

            long three = rejoin(cluster, 2, two);
            RecoveryInfo partway = Poll.until("node 2 part-way through recovering epoch " + three,
                    cluster.awaitTimeout(), whyNot -> {
                        RecoveryInfo r = cluster.client(2).recovery();
                        whyNot.append(r);
                        return r.epoch() == three && r.done() >= 3 && r.done() < r.total()
                                ? Optional.of(r) : Optional.empty();
                    });

            long four = leave(cluster, 1, three);
            RecoveryInfo replanned = Poll.until("node 2's plan for epoch " + four, cluster.awaitTimeout(), whyNot -> {
                RecoveryInfo r = cluster.client(2).recovery();
                whyNot.append(r);
                return r.epoch() == four && !"PREPARING".equals(r.state()) ? Optional.of(r) : Optional.empty();
            });
            System.out.printf("epoch %d: node 2 had copied %d of %d; epoch %d plans %d%n", three, partway.done(),
                    partway.total(), four, replanned.total());
            // Node 2 owns all objects + the inode now; what it copied in epoch three is current and not planned again.
            assertThat(replanned.total()).as("epoch %d plan after %s", four, partway)
                    .isLessThanOrEqualTo(objects + 1 - partway.done());

            for (int node : new int[] {0, 2}) {
                cluster.client(node).setRecoveryThrottle(RecoveryThrottle.DEFAULT_BYTES_PER_SECOND,
                        RecoveryThrottle.DEFAULT_PARALLEL);
            }
            cluster.awaitRecovered(four);
            Replicas.assertEveryObjectHasItsCopies(cluster, 2, 2);
            for (int node : new int[] {0, 2}) {
                VdiBlocks.assertReadsBack(cluster, node, vdi.vid(), data);
            }
        }
    }

    /** Stops {@code node} and waits until the others are in the epoch after {@code epoch} without it. */
    private static long leave(MiniCluster cluster, int node, long epoch) {
        cluster.stop(node);
        cluster.awaitMembers(cluster.runningEndpoints().size());
        return cluster.awaitEpoch(epoch + 1);
    }

    /** Starts {@code node} again and waits until every node is in the epoch after {@code epoch} with it. */
    private static long rejoin(MiniCluster cluster, int node, long epoch) throws IOException {
        cluster.restart(node);
        cluster.awaitMembers(cluster.runningEndpoints().size());
        return cluster.awaitEpoch(epoch + 1);
    }

    private static Random seeded() {
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        return new Random(seed);
    }

    private static byte[][] randomBlocks(Random random, int n) {
        byte[][] blocks = new byte[n][BLOCK];
        for (byte[] b : blocks) {
            random.nextBytes(b);
        }
        return blocks;
    }

    private static List<Long> dataObjects(int vid, int n) {
        return java.util.stream.LongStream.range(0, n).mapToObj(i -> ObjectId.data(vid, i)).toList();
    }

    /** Writes block i at the start of object i, through {@code node}. */
    private static void write(MiniCluster cluster, int node, int vid, byte[][] blocks, int firstObject)
            throws Exception {
        for (int i = 0; i < blocks.length; i++) {
            cluster.client(node).write(vid, (long) (firstObject + i) * ObjectLayout.OBJECT_SIZE,
                    Unpooled.wrappedBuffer(blocks[i]), false).get(60, TimeUnit.SECONDS);
        }
    }
}
