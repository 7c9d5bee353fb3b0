package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of each replica node in turn while fio writes through NBD on another node (issue "Survive
 * failures"). Four daemons, copies = 3, each in a zone of its own; fio writes through node 0, the gateway, which is
 * never killed here (killing the gateway is {@link GatewayKillIT}).
 *
 * <p>For node 1, 2 and 3 in turn: fio starts writing a fresh 16 MiB range of the VDI (crc32c headers, rate limited
 * so that it is still writing when the kill comes), the node is killed as soon as fio's first write has allocated
 * an object, and fio must finish with exit status 0: the gateway retries the writes to the dead replica until the
 * new epoch drops it. After the cluster recovered that epoch every object has its three copies on the three living
 * nodes, exactly where the ring puts them; after the node is started again and the cluster recovered once more,
 * every object is where the ring of all four puts it (the temporary holders purged theirs). At the end every range
 * verifies through every node: each reads its own replica first (local-first), so every copy is checked.
 */
@Tag("cluster")
@Tag("slow")
class KillEachNodeIT {
    private static final String VDI = "kills";
    private static final int NODES = 4;
    private static final int COPIES = 3;
    /** Each round's fio range: four objects, a fresh one per round so its first write is visible as allocation. */
    private static final long ROUND = 16L << 20;
    private static final Duration FIO_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    void killingEachReplicaNodeInTurnLosesNoWriteAndEveryObjectGetsItsCopiesBack() throws Exception {
        long seed = FioJob.newSeed();
        ExecutorService fioThread = Executors.newSingleThreadExecutor();
        long start = System.nanoTime();
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(NODES).copies(COPIES)
                .start()) {
            try {
                cluster.client(0).create(VDI, (NODES - 1) * ROUND, 0);
                cluster.awaitVdi(VDI);
                long epoch = cluster.awaitEpoch(1);
                System.out.printf("%d nodes up %d ms after the start%n", NODES, elapsedMillis(start));
                List<FioJob> written = new ArrayList<>();
                for (int victim = 1; victim < NODES; victim++) {
                    FioJob job = FioJob.at(work.resolve("fio" + victim), cluster.endpoint(0).nbdUri(VDI))
                            .offset((victim - 1) * ROUND).size(ROUND).seed(seed + victim).iodepth(8).rate("4m")
                            .timeout(FIO_TIMEOUT);
                    epoch = killDuringWrite(cluster, job, victim, epoch, fioThread);
                    written.add(job);
                }
                long verifying = System.nanoTime();
                for (FioJob job : written) {
                    for (int node = 0; node < NODES; node++) {
                        CommandResult verify = job.uri(cluster.endpoint(node).nbdUri(VDI)).verify().run();
                        assertThat(verify.exitCode()).as("verify through node %d: %s", node, verify.describe())
                                .isZero();
                    }
                }
                System.out.printf("%d ranges verified through %d nodes in %d ms%n", written.size(), NODES,
                        elapsedMillis(verifying));
                assertThat(cluster.logs()).as("Netty leak reports").doesNotContain("LEAK:");
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        } finally {
            fioThread.shutdownNow();
        }
    }

    /**
     * One round: {@code job} writes through node 0, {@code victim} is killed while it writes, recovered without
     * it, restarted and recovered with it.
     *
     * @return the epoch the cluster is in at the end, with all nodes
     */
    private static long killDuringWrite(ProcessCluster cluster, FioJob job, int victim, long epoch,
                                        ExecutorService fioThread) throws Exception {
        long usedBefore = cluster.client(0).lookup(VDI).usedBytes();
        CompletableFuture<CommandResult> fio = CompletableFuture.supplyAsync(() -> job.write().run(), fioThread);
        Poll.until("fio writing through node 0 before node " + victim + " is killed", cluster.awaitTimeout(),
                whyNot -> {
                    if (fio.isDone()) {
                        throw new AssertionError("fio ended before the kill: " + fio.join().describe());
                    }
                    return cluster.client(0).lookup(VDI).usedBytes() > usedBefore ? Optional.of(true)
                            : Optional.empty();
                });
        cluster.kill9(victim);
        System.out.println("killed node " + victim + " while fio wrote through node 0");

        long killed = System.nanoTime();
        CommandResult write = fio.join();
        assertThat(write.exitCode()).as("fio while node %d was killed: %s", victim, write.describe()).isZero();
        System.out.printf("fio done %d ms after the kill%n", elapsedMillis(killed));
        cluster.awaitMembers(NODES - 1);
        long without = cluster.awaitEpoch(epoch + 1);
        cluster.awaitRecovered(without);
        System.out.printf("epoch %d without node %d recovered %d ms after the kill%n", without, victim,
                elapsedMillis(killed));
        Replicas.assertEveryObjectHasItsCopies(cluster, NODES - 1, COPIES);

        long restart = System.nanoTime();
        cluster.restart(victim);
        cluster.awaitMembers(NODES);
        long back = cluster.awaitEpoch(without + 1);
        cluster.awaitRecovered(back);
        System.out.printf("epoch %d with node %d again recovered %d ms after its restart%n", back, victim,
                elapsedMillis(restart));
        Replicas.assertEveryObjectHasItsCopies(cluster, NODES, COPIES);
        return back;
    }

    private static long elapsedMillis(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }
}
