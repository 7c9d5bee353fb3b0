package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five daemon processes in five zones, copies = 3: fio writes through node 0 while two other nodes are killed with
 * {@code kill -9} at the same moment. Every object then has at most one copy left on a dead node, so the write goes
 * on, and recovery brings each object back to three copies on the three living nodes. The two return, recovery
 * spreads the objects over five nodes again, and everything verifies through them too.
 */
@Tag("cluster")
@Tag("slow")
class TwoNodesLostIT {
    private static final String VDI = "lost2";
    /** Six 4 MiB objects: small enough to write in seconds, each with a copy left whichever two nodes die. */
    private static final long SIZE = 24L << 20;
    private static final int NODES = 5;
    private static final int COPIES = 3;

    /** Kept when the test fails: the daemons' logs are in node<i>/sheep.log*. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void twoNodesKilledTogetherLoseNothingAndEveryObjectGetsItsCopiesBack() throws Exception {
        long seed = FioJob.newSeed();
        Random random = new Random(seed);
        List<Integer> others = new ArrayList<>(List.of(1, 2, 3, 4));
        Collections.shuffle(others, random);
        List<Integer> killed = others.subList(0, 2).stream().sorted().toList();
        System.out.println("nodes killed: " + killed);

        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(NODES).copies(COPIES).start()) {
            VdiInfo vdi = cluster.client(0).create(VDI, SIZE, 0);
            cluster.awaitVdi(VDI);
            long before = cluster.awaitEpoch(1);
            // 24 MiB at 3 MiB/s: about 8 s of writing, of which the kill comes early.
            FioJob job = FioJob.at(work.resolve("fio"), cluster.endpoint(0).nbdUri(VDI)).size(SIZE).seed(seed)
                    .rate("3m").timeout(Duration.ofMinutes(2));
            CompletableFuture<CommandResult> writing = CompletableFuture.supplyAsync(() -> job.write().run());
            FaultSteps.awaitDataObjects(cluster, vdi.vid(), 2);

            FaultSteps.killTogether(cluster, killed);
            List<NodeInfo> survivors = cluster.awaitMembers(NODES - killed.size());
            long without = FaultSteps.awaitEpochOf(cluster, NODES - killed.size(), before + 1);
            System.out.println("epoch without " + killed + ": " + without);

            CommandResult write = writing.join();
            assertThat(write.exitCode()).as("fio writing through node 0 while %s died: %s", killed,
                    write.describe()).isZero();
            FaultSteps.verifyThroughEach(cluster, job, VDI);

            cluster.awaitRecovered(without);
            assertEveryObjectHasItsCopies(cluster, survivors, vdi.vid());

            for (int node : killed) {
                cluster.restart(node);
            }
            List<NodeInfo> all = cluster.awaitMembers(NODES);
            long back = FaultSteps.awaitEpochOf(cluster, NODES, without + 1);
            cluster.awaitRecovered(back);
            assertEveryObjectHasItsCopies(cluster, all, vdi.vid());
            FaultSteps.verifyThroughEach(cluster, job, VDI);
        }
    }

    /**
     * Every object has its {@value #COPIES} copies on the ring of the running nodes, and the cluster check finds
     * them whole and consistent (see {@link Replicas#assertEveryObjectHasItsCopies}); and no object of the VDI is
     * missing: fio wrote the whole range.
     */
    private static void assertEveryObjectHasItsCopies(ProcessCluster cluster, List<NodeInfo> members, int vid)
            throws SheepException {
        Replicas.assertEveryObjectHasItsCopies(cluster, members.size(), COPIES);
        assertThat(Replicas.heldByRunning(cluster)).as("objects held by the running nodes")
                .containsAll(FaultSteps.objectsOf(vid, SIZE));
    }
}
