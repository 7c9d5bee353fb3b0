package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.process.BlockJournal;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.PatternedBlocks;
import io.sheepdog.daemon.testing.process.PatternedBlocks.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the node that serves the NBD connection (issue "Survive failures"): the client reconnects to
 * another node and its data is there. Three daemons, copies = 3.
 *
 * <p>A python3-libnbd client ({@link PatternedBlocks}; fio cannot reconnect) writes pass after pass over 256 blocks
 * of 64 KiB through node 0, every write with FUA and four in flight, journaling each acknowledgement. Node 0 is
 * killed at a seeded point of the second pass or later. The client then reconnects to node 1 at once, before the
 * others have noticed, and reads every block back:
 * <ul>
 *   <li>a block whose write was acknowledged must hold that generation (or a newer one it sent);</li>
 *   <li>a block with a write in flight when node 0 died (sent, never acknowledged; at most {@value
 *       PatternedBlocks#DEPTH} of them) may hold either its acknowledged generation or the one in flight: the
 *       gateway may have reached some replicas, all, or none. Anything else, such as a torn block, is a failure.</li>
 * </ul>
 * The client then keeps writing through node 1 (one more pass, plain writes and a flush) while node 0 is still in
 * the epoch, so the gateway retries its writes to node 0 until the epoch drops it. After recovery every object has
 * its copies on nodes 1 and 2; after node 0 restarts and the cluster recovers again, every object is on its ring
 * replicas and every block reads back as that last pass through each node, node 0 included.
 */
@Tag("cluster")
@Tag("slow")
class GatewayKillIT {
    private static final String VDI = "gateway";
    private static final int BLOCK = 64 * 1024;
    private static final int BLOCKS = 256;
    private static final int COPIES = 3;
    private static final Duration WRITER_TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    void aClientWhoseGatewayIsKilledReconnectsToAnotherNodeAndFindsEverythingAcknowledged() throws Exception {
        assumeTrue(ExternalCommand.hasPythonLibnbd(), "python3-libnbd is not installed");
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        Random random = new Random(seed);
        PatternedBlocks blocks = new PatternedBlocks(seed, BLOCK, BLOCKS);
        Path journal = work.resolve("journal.txt");
        ExecutorService clientThread = Executors.newSingleThreadExecutor();
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(3).copies(COPIES)
                .start()) {
            try {
                cluster.client(0).create(VDI, (long) BLOCK * BLOCKS, 0);
                cluster.awaitVdi(VDI);
                long first = cluster.awaitEpoch(1);

                // The kill comes once a seeded block of a seeded pass (2 or 3) is acknowledged: mid-stream.
                int killPass = 2 + random.nextInt(2);
                int killBlock = random.nextInt(BLOCKS);
                CompletableFuture<CommandResult> writer = CompletableFuture.supplyAsync(() -> blocks.write(
                        cluster.endpoint(0).nbdUri(VDI), Mode.FUA, 1, 0, journal).timeout(WRITER_TIMEOUT).run(),
                        clientThread);
                Poll.until("block " + killBlock + " of pass " + killPass + " acknowledged through node 0",
                        cluster.awaitTimeout(), whyNot -> {
                            if (writer.isDone()) {
                                throw new AssertionError("the writer ended before the kill: "
                                        + writer.join().describe());
                            }
                            return BlockJournal.read(journal).durable(killBlock) >= killPass ? Optional.of(true)
                                    : Optional.empty();
                        });
                cluster.kill9(0);
                CommandResult stopped = writer.join();
                assertThat(stopped.succeeded()).as(stopped.describe()).isTrue();
                BlockJournal beforeKill = BlockJournal.read(journal);
                assertThat(beforeKill.failure()).as("the writer through node 0 stopped at a failed command")
                        .isPresent();
                System.out.printf("node 0 killed after block %d of pass %d acknowledged; the writer: %s%n",
                        killBlock, killPass, beforeKill.failure().orElseThrow());

                // Reconnect at once: nodes 1 and 2 may not even have noticed yet.
                int[] held = blocks.read(cluster.endpoint(1).nbdUri(VDI));
                assertThat(beforeKill.mismatches(held)).as("blocks read through node 1 right after the kill")
                        .isEmpty();
                for (int b : beforeKill.undecidedBlocks()) {
                    System.out.printf("block %d, write in flight: may hold %s, holds %d%n", b, beforeKill.allowed(b),
                            held[b]);
                }
                int next = IntStream.range(0, BLOCKS).map(b -> beforeKill.allowed(b).stream().mapToInt(g -> g).max()
                        .orElseThrow()).max().orElseThrow() + 1;
                CommandResult more = blocks.write(cluster.endpoint(1).nbdUri(VDI), Mode.FLUSH, next, next, journal)
                        .timeout(WRITER_TIMEOUT).run();
                assertThat(more.succeeded()).as(more.describe()).isTrue();
                BlockJournal all = BlockJournal.read(journal);
                assertThat(all.finished()).as("the writer through node 1 wrote pass %d: %s", next, more.describe())
                        .isTrue();
                for (int b = 0; b < BLOCKS; b++) {
                    assertThat(all.allowed(b)).as("block %d", b).containsExactly(next);
                }

                cluster.awaitMembers(2);
                long without = cluster.awaitEpoch(first + 1);
                cluster.awaitRecovered(without);
                Replicas.assertEveryObjectHasItsCopies(cluster, 2, COPIES);
                assertThat(all.mismatches(blocks.read(cluster.endpoint(2).nbdUri(VDI))))
                        .as("blocks read through node 2").isEmpty();

                cluster.restart(0);
                cluster.awaitMembers(3);
                cluster.awaitRecovered(cluster.awaitEpoch(without + 1));
                Replicas.assertEveryObjectHasItsCopies(cluster, 3, COPIES);
                for (int node = 0; node < 3; node++) {
                    int[] last = blocks.read(cluster.endpoint(node).nbdUri(VDI));
                    assertThat(all.mismatches(last)).as("blocks read through node %d after node 0 returned", node)
                            .isEmpty();
                    // The control: the check does fail on data other than what the journal allows.
                    assertThat(beforeKill.mismatches(last)).hasSize(BLOCKS);
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        } finally {
            clientThread.shutdownNow();
        }
    }
}
