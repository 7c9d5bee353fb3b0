package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process {@link MiniCluster}: three daemons in this JVM form one cluster (each sees all members, one epoch),
 * data written through one node reads back through the others and lies on the ring's replicas, a stopped node
 * leaves the membership (a new epoch) and, restarted on its store and ports, comes back into a further epoch with
 * its data.
 */
@Tag("cluster")
class MiniClusterIT {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path work;

    @Test
    void startStopRestartAndDataThroughEveryNode() throws Exception {
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        byte[][] data = new byte[4][BLOCK];
        Random random = new Random(seed);
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(2).start()) {
            List<NodeInfo> members = cluster.awaitMembers(3);
            assertThat(members).extracting(NodeInfo::zone).containsExactlyInAnyOrder(0, 1, 2);
            long first = cluster.awaitEpoch(1);

            VdiInfo vdi = cluster.client(0).create("mini", 4L * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("mini");
            for (int i = 0; i < data.length; i++) {
                random.nextBytes(data[i]);
                cluster.client(i % 3).write(vdi.vid(), (long) i * ObjectLayout.OBJECT_SIZE,
                        Unpooled.wrappedBuffer(data[i]), false).get(30, TimeUnit.SECONDS);
            }
            assertReadsBack(cluster, vdi.vid(), data, 0, 1, 2);
            assertThat(Replicas.misplaced(cluster, members, 2)).isEmpty();

            cluster.stop(2);
            assertThat(cluster.isRunning(2)).isFalse();
            cluster.awaitMembers(2);
            long without = cluster.awaitEpoch(first + 1);

            cluster.restart(2);
            cluster.awaitMembers(3);
            cluster.awaitEpoch(without + 1);
            cluster.awaitStatus("running");
            // Same members as in the first epoch, so the same ring: node 2 serves its replicas again.
            assertReadsBack(cluster, vdi.vid(), data, 2);
        }
    }

    private static void assertReadsBack(MiniCluster cluster, int vid, byte[][] data, int... nodes) throws Exception {
        for (int node : nodes) {
            for (int i = 0; i < data.length; i++) {
                ByteBuf back = cluster.client(node).read(vid, (long) i * ObjectLayout.OBJECT_SIZE, BLOCK)
                        .get(30, TimeUnit.SECONDS);
                try {
                    assertThat(ByteBufUtil.getBytes(back)).as("object %d through node %d", i, node)
                            .isEqualTo(data[i]);
                } finally {
                    back.release();
                }
            }
        }
    }
}
