package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole cluster loses power: three daemon processes (copies = 3) are killed with {@code kill -9} at the same
 * moment after fio wrote and flushed, so nothing is shut down cleanly. Started again in another order, the cluster
 * resumes with the same epoch history and VDIs, and everything fio was told is durable verifies through every node.
 * (A clean {@code collie cluster shutdown} is covered by ClusterShutdownMiniIT.)
 */
@Tag("cluster")
@Tag("slow")
class ClusterRestartIT {
    private static final long SIZE = 16L << 20;
    private static final List<String> VDIS = List.of("flushed", "empty");
    /** Not the order they first started in (0 founds the cluster, then 1 and 2 join). */
    private static final int[] RESTART_ORDER = {2, 0, 1};

    /** Kept when the test fails: the daemons' logs are in node<i>/sheep.log*. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void everyNodeKilledAndStartedInAnotherOrderKeepsEpochsVdisAndFlushedData() throws Exception {
        long seed = FioJob.newSeed();
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3).start()) {
            for (String name : VDIS) {
                cluster.client(0).create(name, SIZE, 0);
            }
            cluster.awaitVdi(VDIS.get(VDIS.size() - 1));
            // --end_fsync: fio's last act is a flush, so every write it made is acknowledged as durable.
            FioJob job = FioJob.at(work.resolve("fio"), cluster.endpoint(0).nbdUri(VDIS.get(0))).size(SIZE)
                    .seed(seed).option("--end_fsync=1").timeout(Duration.ofMinutes(2));
            CommandResult write = job.write().run();
            assertThat(write.exitCode()).as(write.describe()).isZero();
            ClusterInfo before = cluster.client(1).info();
            List<VdiInfo> vdisBefore = sorted(cluster.client(1).list());

            FaultSteps.killTogether(cluster, List.of(0, 1, 2));
            for (int node : RESTART_ORDER) {
                cluster.sheep(node).startAgain();
            }
            cluster.awaitMembers(3);
            cluster.awaitStatus("running");

            for (int node = 0; node < 3; node++) {
                ClusterInfo after = cluster.client(node).info();
                assertThat(after.epochs()).as("epoch history through node %d after the restart", node)
                        .isEqualTo(before.epochs());
                assertThat(after.createdMillis()).isEqualTo(before.createdMillis());
                assertThat(sorted(cluster.client(node).list())).as("VDIs through node %d", node)
                        .isEqualTo(vdisBefore);
            }
            FaultSteps.verifyThroughEach(cluster, job, VDIS.get(0));
        }
    }

    private static List<VdiInfo> sorted(List<VdiInfo> vdis) {
        return vdis.stream().sorted(Comparator.comparing(VdiInfo::name)).toList();
    }
}
