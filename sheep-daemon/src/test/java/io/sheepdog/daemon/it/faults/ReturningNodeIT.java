package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.recovery.RecoveryThrottle;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node returning after writes happened while it was away (issue "Survive failures"): it is brought up to date
 * and never serves its old data. Three daemons, copies = 3, so the returning node holds a (stale) copy of every
 * object, and reads through it are local-first: it would serve its own stale copy if anything let it.
 *
 * <p>fio writes a first pattern through node 0; node 2 is killed; fio overwrites the whole range with a second
 * pattern through node 0. Node 2 is started again and, as soon as it is back in the cluster and while its recovery
 * is still copying (its throttle, set before the kill and kept across the restart, holds it to 1 MiB/s, one object
 * at a time), fio verifies the second pattern through node 2: each object a read asks for is copied at once
 * outside the throttle, never read from the stale copy. Then the throttle is lifted, recovery finishes, every
 * object is on its ring replicas, and the second pattern verifies through every node.
 *
 * <p>The two patterns differ in their verification header interval as well as their seed: fio's crc32c
 * verification checks a header's offset, length and checksum but not the seed, so the first pattern would verify
 * as the second ({@link FioJob#verifyInterval}). The control at the end shows the first pattern fails to verify.
 */
@Tag("cluster")
@Tag("slow")
class ReturningNodeIT {
    private static final String VDI = "returning";
    private static final long SIZE = 16L << 20;
    private static final int COPIES = 3;
    private static final long SLOW_RECOVERY = 1L << 20;

    @TempDir
    Path work;

    @Test
    void aNodeBackAfterWritesItMissedServesOnlyTheNewDataEvenBeforeItRecovered() throws Exception {
        long seed = FioJob.newSeed();
        long start = System.nanoTime();
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(3).copies(COPIES)
                .start()) {
            try {
                cluster.client(0).create(VDI, SIZE, 0);
                cluster.awaitVdi(VDI);
                long first = cluster.awaitEpoch(1);
                System.out.printf("3 nodes up in %d ms%n", (System.nanoTime() - start) / 1_000_000);
                FioJob old = FioJob.at(work.resolve("fio-old"), cluster.endpoint(0).nbdUri(VDI)).size(SIZE)
                        .seed(seed);
                FioJob current = FioJob.at(work.resolve("fio-new"), cluster.endpoint(0).nbdUri(VDI)).size(SIZE)
                        .seed(seed + 1).verifyInterval("8k");
                assertSucceeded("the first pattern through node 0", old.write().run());
                cluster.client(2).setRecoveryThrottle(SLOW_RECOVERY, 1);

                cluster.kill9(2);
                cluster.awaitMembers(2);
                long without = cluster.awaitEpoch(first + 1);
                assertSucceeded("the second pattern through node 0 while node 2 is down", current.write().run());

                cluster.restart(2);
                cluster.awaitMembers(3);
                long back = cluster.awaitEpoch(without + 1);
                RecoveryInfo before = cluster.client(2).recovery();
                String node2 = cluster.endpoint(2).nbdUri(VDI);
                assertSucceeded("the second pattern through node 2 at once", current.uri(node2).verify().run());
                // Evidence that the reads came before node 2 had recovered the epoch it returned in.
                assertThat(before.recoveredEpoch()).as("node 2's recovered epoch when the reads began: %s", before)
                        .isLessThan(back);
                System.out.println("node 2 when the reads through it began: " + before);

                cluster.client(2).setRecoveryThrottle(RecoveryThrottle.DEFAULT_BYTES_PER_SECOND,
                        RecoveryThrottle.DEFAULT_PARALLEL);
                cluster.awaitRecovered(back);
                System.out.printf("recovered %d ms after the start%n", (System.nanoTime() - start) / 1_000_000);
                Replicas.assertEveryObjectHasItsCopies(cluster, 3, COPIES);
                for (int node = 0; node < 3; node++) {
                    assertSucceeded("the second pattern through node " + node + " after recovery",
                            current.uri(cluster.endpoint(node).nbdUri(VDI)).verify().run());
                }
                CommandResult stale = old.uri(node2).verify().run();
                assertThat(stale.exitCode()).as("the control: the first pattern does not verify: %s",
                        stale.describe()).isNotZero();
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    private static void assertSucceeded(String what, CommandResult fio) {
        assertThat(fio.exitCode()).as("fio, %s: %s", what, fio.describe()).isZero();
        System.out.printf("fio, %s: %d ms%n", what, fio.elapsed().toMillis());
    }
}
