package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.collie.it.CollieRunner.Mode;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.ClusterAwait;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-cluster shutdown and start with three daemon processes and collie as a process: {@code cluster shutdown}
 * stops every daemon cleanly (exit 0, PID file gone, no epoch started by the nodes leaving), and started again in
 * another order the cluster comes back with the same id, epoch history and data. Started without one node it waits
 * and names that node, refuses {@code recover force} while it has no majority, and after {@code recover force}
 * runs in a new epoch with the live nodes and serves the data.
 */
@Tag("cluster")
@Tag("slow")
class ClusterShutdownIT {
    private static final int LENGTH = 256 * 1024;
    private static final long OFFSET = (4L << 20) - 64 * 1024;

    @TempDir
    Path work;

    @Test
    void shutdownStopsEveryDaemonAndAStartInAnyOrderBringsBackTheSameCluster() throws Exception {
        byte[] data = randomData();
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3).start()) {
            try {
                VdiInfo vdi = writeData(cluster, data);
                ClusterInfo before = cluster.client(0).info();

                shutdownThroughCollie(cluster, 1);
                for (int node : new int[] {2, 0, 1}) {
                    cluster.sheep(node).startAgain();
                }
                cluster.awaitMembers(3);
                cluster.awaitStatus("running");
                ClusterInfo after = cluster.client(1).info();
                assertThat(after.epochs()).as("epoch history").isEqualTo(before.epochs());
                assertThat(after.createdMillis()).as("the same cluster").isEqualTo(before.createdMillis());
                for (int node = 0; node < 3; node++) {
                    assertThat(read(cluster, node, vdi)).as("data through node %d", node).isEqualTo(data);
                }
                assertThat(cluster.logs()).as("epochs proposed while shutting down").doesNotContain("proposing epoch");
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    @Test
    void aClusterStartedWithoutANodeWaitsForItUntilRecoveryIsForced() throws Exception {
        byte[] data = randomData();
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3).start()) {
            try {
                VdiInfo vdi = writeData(cluster, data);
                String lost = cluster.endpoint(2).host() + ":" + cluster.endpoint(2).port();
                shutdownThroughCollie(cluster, 0);

                cluster.sheep(0).startAgain();
                CollieRunner collie0 = CollieRunner.against(cluster.sheep(0), Mode.PROCESS);
                // One of three metadata members: no majority, so nothing can be forced.
                Poll.until("node 0 alone reporting no majority", cluster.awaitTimeout(), whyNot -> {
                    String info = collie0.ok("cluster", "info").stdout();
                    whyNot.append(info);
                    return info.contains("no majority") ? Optional.of(info) : Optional.empty();
                });
                CommandResult refused = collie0.expectExit(1, "cluster", "recover", "force", "--yes");
                assertThat(refused.stderr()).contains("cannot force recovery", "majority", lost);

                cluster.sheep(1).startAgain();
                List<NodeEndpoint> live = List.of(cluster.endpoint(0), cluster.endpoint(1));
                ClusterAwait.status(live, "waiting for nodes", cluster.awaitTimeout());
                CommandResult info = collie0.ok("cluster", "info");
                assertThat(info.stdout()).contains("Waiting for other nodes to join cluster: [" + lost + "]",
                        "recover force");

                CommandResult forced = CollieRunner.against(cluster.sheep(1), Mode.PROCESS)
                        .ok("cluster", "recover", "force", "--yes");
                assertThat(forced.stdout()).contains("Recovery forced: epoch 2 started with");
                ClusterAwait.status(live, "running", cluster.awaitTimeout());
                assertThat(ClusterAwait.epoch(live, 2, cluster.awaitTimeout())).isEqualTo(2);
                EpochInfo now = cluster.client(0).info().epochs().get(0);
                assertThat(now.nodes()).hasSize(2).doesNotContain(lost);
                for (int node = 0; node < 2; node++) {
                    assertThat(read(cluster, node, vdi)).as("data through node %d", node).isEqualTo(data);
                }
                // ... and takes writes again, now on the two live nodes.
                cluster.client(1).write(vdi.vid(), 0, Unpooled.wrappedBuffer(data), true).get(60, TimeUnit.SECONDS);
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    /** {@code collie cluster shutdown} through node {@code via}; then every daemon has exited 0, PID file gone. */
    private static void shutdownThroughCollie(ProcessCluster cluster, int via) {
        long epochBefore = cluster.awaitEpoch(1);
        CommandResult r = CollieRunner.against(cluster.sheep(via), Mode.PROCESS).ok("cluster", "shutdown");
        assertThat(r.stdout()).as(r.describe()).contains("Cluster shut down: every node stopped.");
        for (int node = 0; node < cluster.size(); node++) {
            SheepProcess sheep = cluster.sheep(node);
            Poll.until("node " + sheep + " exited", cluster.awaitTimeout(),
                    whyNot -> sheep.isAlive() ? Optional.empty() : Optional.of(true));
            assertThat(sheep.exitValue()).as("exit status of node %d\n%s", node, sheep.logTail()).isZero();
            assertThat(Files.exists(sheep.pidFile())).as("PID file of node %d", node).isFalse();
            assertThat(sheep.log()).contains("the cluster is shutting down: stopping this sheep");
        }
        assertThat(epochBefore).isEqualTo(1);
    }

    private static byte[] randomData() {
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        byte[] data = new byte[LENGTH];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A VDI with {@code data} written across an object boundary, flushed. */
    private static VdiInfo writeData(ProcessCluster cluster, byte[] data) throws Exception {
        VdiInfo vdi = cluster.client(0).create("kept", 16L << 20, 0);
        cluster.awaitVdi("kept");
        cluster.client(2).write(vdi.vid(), OFFSET, Unpooled.wrappedBuffer(data), false).get(60, TimeUnit.SECONDS);
        cluster.client(2).flush(vdi.vid()).get(60, TimeUnit.SECONDS);
        return vdi;
    }

    private static byte[] read(ProcessCluster cluster, int node, VdiInfo vdi) throws Exception {
        ByteBuf b = cluster.client(node).read(vdi.vid(), OFFSET, LENGTH).get(60, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
