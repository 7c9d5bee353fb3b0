package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster shutdown} on the in-process {@link MiniCluster}: every daemon stops itself, the nodes leaving start
 * no epoch, and the daemons started again in another order resume the same cluster (same epoch history) with its
 * data.
 */
@Tag("cluster")
class ClusterShutdownMiniIT {
    @TempDir
    Path work;

    @Test
    void everyDaemonStopsAndTheClusterResumesWithTheSameEpochsAndData() throws Exception {
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        byte[] data = new byte[3 * 64 * 1024];
        new Random(seed).nextBytes(data);
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(3).start()) {
            VdiInfo vdi = cluster.client(0).create("kept", 2L * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("kept");
            cluster.client(0).write(vdi.vid(), ObjectLayout.OBJECT_SIZE - 4096, Unpooled.wrappedBuffer(data), false)
                    .get(30, TimeUnit.SECONDS);
            cluster.client(0).flush(vdi.vid()).get(30, TimeUnit.SECONDS);
            ClusterInfo before = cluster.client(1).info();

            cluster.client(1).shutdown();
            Poll.until("every daemon stopped", cluster.awaitTimeout(), whyNot -> {
                whyNot.append("running: ").append(cluster.runningEndpoints());
                return cluster.runningEndpoints().isEmpty() ? Optional.of(true) : Optional.empty();
            });

            for (int node : new int[] {2, 0, 1}) {
                cluster.start(node);
            }
            cluster.awaitMembers(3);
            cluster.awaitStatus("running");
            ClusterInfo after = cluster.client(2).info();
            assertThat(after.epochs()).as("epoch history after the restart").isEqualTo(before.epochs());
            assertThat(after.createdMillis()).isEqualTo(before.createdMillis());
            for (int node = 0; node < 3; node++) {
                ByteBuf back = cluster.client(node).read(vdi.vid(), ObjectLayout.OBJECT_SIZE - 4096, data.length)
                        .get(30, TimeUnit.SECONDS);
                try {
                    assertThat(ByteBufUtil.getBytes(back)).as("data read through node %d", node).isEqualTo(data);
                } finally {
                    back.release();
                }
            }
            // The cluster runs normally again: a node leaving now is a failure and starts an epoch.
            cluster.stop(0);
            assertThat(cluster.awaitEpoch(2)).isEqualTo(2);
        }
    }

}
