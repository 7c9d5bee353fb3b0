package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots under fio and a replica killed during copy-on-write (issue 12, "Crash-consistency"). Three daemons,
 * copies 3, fio's nbd engine writing through node 0:
 *
 * <ol>
 * <li>pattern A over the whole VDI, then snapshot {@code a} with nothing in flight;</li>
 * <li>pattern B while node 1 takes snapshot {@code mid} in the middle of it: fio must see no error and the working
 *     VDI must verify B afterwards (no acknowledged write lost across the switch to the new working VDI);</li>
 * <li>snapshot {@code b}, then pattern C, which copies every object up from {@code b}; node 2 is killed with
 *     {@code kill -9} once some objects are copied, and fio must still finish;</li>
 * <li>node 2 comes back and recovers; a check of every object the cluster holds finds every replica good, C
 *     verifies through every node, and clones of {@code a} and {@code b} (instant, sharing their data) verify A and
 *     B through every node.</li>
 * </ol>
 * The three patterns differ in their verification interval as well as their seed, so one never verifies as another
 * ({@link FioJob#verifyInterval}).
 */
@Tag("cluster")
class SnapshotCrashIT {
    private static final String VDI = "vm";
    private static final long SIZE = 32L << 20;
    private static final int OBJECTS = (int) (SIZE / ObjectLayout.OBJECT_SIZE);

    @TempDir
    Path work;

    @Test
    void snapshotsUnderFioAndAReplicaKilledDuringCopyOnWriteLoseNothing() throws Exception {
        long seed = FioJob.newSeed();
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(3).copies(3).start()) {
            try {
                SheepClient c = cluster.client(0);
                c.create(VDI, SIZE, 0);
                cluster.awaitVdi(VDI);
                long epoch = cluster.awaitEpoch(1);
                String uri = cluster.endpoint(0).nbdUri(VDI);
                FioJob a = FioJob.at(work.resolve("fio-a"), uri).size(SIZE).seed(seed);
                FioJob b = FioJob.at(work.resolve("fio-b"), uri).size(SIZE).seed(seed + 1).verifyInterval("8k")
                        .rate("8m");
                FioJob cc = FioJob.at(work.resolve("fio-c"), uri).size(SIZE).seed(seed + 2).verifyInterval("4k")
                        .rate("8m");

                assertSucceeded("pattern A", a.write().run());
                c.snapshot(VDI, "a");

                int beforeMid = c.lookup(VDI).vid();
                CompletableFuture<CommandResult> writingB = CompletableFuture.supplyAsync(() -> b.write().run());
                awaitOwnObjects(c, beforeMid, 1, writingB);
                cluster.client(1).snapshot(VDI, "mid");
                assertSucceeded("pattern B, snapshot mid taken while it ran", writingB.get(5, TimeUnit.MINUTES));
                assertSucceeded("pattern B in the working VDI after snapshot mid", b.verify().run());
                c.snapshot(VDI, "b");

                int working = c.lookup(VDI).vid();
                CompletableFuture<CommandResult> writingC = CompletableFuture.supplyAsync(() -> cc.write().run());
                awaitOwnObjects(c, working, 2, writingC);
                cluster.kill9(2);
                cluster.awaitMembers(2);
                long without = cluster.awaitEpoch(epoch + 1);
                assertSucceeded("pattern C, node 2 killed during its copy-on-write", writingC.get(5,
                        TimeUnit.MINUTES));
                assertThat(ownObjects(c, working)).as("objects copied up from b").isEqualTo(OBJECTS);

                cluster.restart(2);
                cluster.awaitMembers(3);
                long back = cluster.awaitEpoch(without + 1);
                cluster.awaitRecovered(back);
                List<ObjectCheck> bad = new ArrayList<>();
                List<Long> all = c.allObjects();
                for (long oid : all) {
                    ObjectCheck check = c.check(oid);
                    if (check.outcome() != ObjectCheck.Outcome.OK) {
                        bad.add(check);
                    }
                }
                assertThat(bad).as("checks of the %d objects that are not clean", all.size()).isEmpty();

                c.clone(VDI, SnapshotRef.parse("a"), "copy-a");
                c.clone(VDI, SnapshotRef.parse("b"), "copy-b");
                for (int node = 0; node < 3; node++) {
                    assertSucceeded("pattern C through node " + node,
                            cc.uri(cluster.endpoint(node).nbdUri(VDI)).verify().run());
                    assertSucceeded("snapshot a (pattern A) through node " + node,
                            a.uri(cluster.endpoint(node).nbdUri("copy-a")).verify().run());
                    assertSucceeded("snapshot b (pattern B) through node " + node,
                            b.uri(cluster.endpoint(node).nbdUri("copy-b")).verify().run());
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    /** Waits until VDI {@code vid} owns {@code n} objects of its own (its writer copied or created them). */
    private static void awaitOwnObjects(SheepClient c, int vid, int n, CompletableFuture<CommandResult> writer) {
        Poll.until("VDI " + Integer.toHexString(vid) + " owns " + n + " objects", Duration.ofSeconds(60),
                whyNot -> {
                    assertThat(writer).as("fio ended before the VDI owned %d objects", n).isNotDone();
                    int own = ownObjects(c, vid);
                    whyNot.append("it owns ").append(own);
                    return own >= n ? Optional.of(own) : Optional.empty();
                });
    }

    private static int ownObjects(SheepClient c, int vid) {
        try {
            return (int) Arrays.stream(c.objectMap(vid)).filter(owner -> owner == vid).count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertSucceeded(String what, CommandResult fio) {
        assertThat(fio.exitCode()).as("fio, %s: %s", what, fio.describe()).isZero();
        assertThat(fio.output()).as(fio.describe()).doesNotContain("verify failed");
        System.out.printf("fio, %s: %d ms%n", what, fio.elapsed().toMillis());
    }
}
