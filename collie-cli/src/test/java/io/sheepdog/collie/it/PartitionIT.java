package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.collie.it.CollieRunner.Mode;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.testing.cluster.ClusterAwait;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.netns.NetNs;
import io.sheepdog.daemon.testing.netns.TestNetwork;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.FioJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition: three daemons (copies = 3, so every node holds every object and any write needs all three
 * replicas of its epoch), each in a network namespace of its own ({@link TestNetwork}). While fio writes with crc32c
 * verification headers through node 0, node 2 is cut off (both directions dropped, no connection reset).
 *
 * <ul>
 *   <li>The majority (nodes 0 and 1) starts a new epoch without node 2, keeps changing metadata, and fio through
 *       node 0 completes.</li>
 *   <li>The cut-off node cannot change metadata: {@code vdi create} through it fails with "no majority" and its epoch
 *       does not move. Writes through it are never acknowledged: a python-libnbd client writing FUA blocks through
 *       it logs each acknowledgement; whatever it logged must read back after the heal.</li>
 *   <li>After the heal node 2 rejoins, all nodes agree on the epoch history, and fio verifies everything it wrote
 *       through the majority nodes.</li>
 * </ul>
 * Three nodes suffice: the minority is one node, the majority two, and with copies = 3 the cut-off node holds a
 * replica of every object, so each of its writes needs the nodes it cannot reach. Five nodes would add nothing the
 * quorum arithmetic does not already show here, and cost two more JVMs on a two-core CI machine.
 */
@Tag("partition")
@Tag("slow")
class PartitionIT {
    private static final String VDI = "part";
    private static final long HALF = 16L << 20;
    private static final int BLOCK = 64 * 1024;
    private static final int BLOCKS = 8;
    private static final Duration FIO_TIMEOUT = Duration.ofMinutes(4);
    private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(4);

    /** Writes FUA blocks of seeded random bytes; prints "acked I" per acknowledged block, stops at the first error. */
    private static final String WRITE_BLOCKS = """
            import nbd, random, sys
            uri, seed, offset, count, bs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), \
            int(sys.argv[5])
            h = nbd.NBD()
            h.connect_uri(uri)
            for i in range(count):
                data = random.Random(seed + i).randbytes(bs)
                try:
                    h.pwrite(data, offset + i * bs, nbd.CMD_FLAG_FUA)
                except nbd.Error as e:
                    print("failed", i, e)
                    break
                print("acked", i)
                sys.stdout.flush()
            """;

    /** Reads the given blocks and compares them with what WRITE_BLOCKS wrote; exit 1 naming the ones that differ. */
    private static final String CHECK_BLOCKS = """
            import nbd, random, sys
            uri, seed, offset, bs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            h = nbd.NBD()
            h.connect_uri(uri)
            bad = [i for i in map(int, sys.argv[5:])
                   if h.pread(bs, offset + i * bs) != random.Random(seed + i).randbytes(bs)]
            print("differ:", bad)
            sys.exit(1 if bad else 0)
            """;

    @TempDir
    Path work;

    @BeforeEach
    void needs() {
        assumeTrue(NetNs.available(), () -> "skipped: " + NetNs.unavailableReason().orElse(""));
        assumeTrue(ExternalCommand.isOnPath("fio"), "fio is not installed");
        assumeTrue(ExternalCommand.hasPythonLibnbd(), "python3-libnbd is not installed");
    }

    /**
     * While node 2 is cut off it changes nothing and acknowledges nothing, and the majority serves throughout; after
     * the heal fio verifies everything acknowledged through every node, node 2 included: it recovered the writes it
     * missed and never serves its old copies.
     */
    @Test
    void aCutOffNodeChangesNothingAndAfterTheHealEveryNodeServesEverythingAcknowledged() throws Exception {
        partitionAndHeal(List.of(0, 1, 2));
    }

    private void partitionAndHeal(List<Integer> verifyThrough) throws Exception {
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (TestNetwork net = TestNetwork.create(3);
             ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(3).copies(3).network(net)
                     .start()) {
            try {
                cluster.client(0).create(VDI, 2 * HALF, 0);
                cluster.awaitVdi(VDI);
                long before = cluster.awaitEpoch(1);
                List<NodeEndpoint> majority = List.of(cluster.endpoint(0), cluster.endpoint(1));

                CompletableFuture<CommandResult> fio = CompletableFuture.supplyAsync(
                        () -> fio(net, cluster, 0, seed, false), clients);
                Poll.until("fio writing through node 0", cluster.awaitTimeout(), whyNot ->
                        cluster.client(0).lookup(VDI).usedBytes() > 0 ? Optional.of(true) : Optional.empty());
                net.cut(2);

                ClusterAwait.members(majority, 2, cluster.awaitTimeout());
                long split = ClusterAwait.epoch(majority, before + 1, cluster.awaitTimeout());
                CollieRunner cutOff = CollieRunner.at(net.host(2), cluster.endpoint(2).port(), Mode.PROCESS)
                        .launchedBy(net.launcher(2));
                Poll.until("node 2 seeing no majority", cluster.awaitTimeout(), whyNot -> {
                    String status = cutOff.ok("cluster", "info", "-r").stdout().lines().findFirst().orElse("");
                    whyNot.append("node 2 says '").append(status).append("'");
                    return status.equals("no majority") ? Optional.of(true) : Optional.empty();
                });
                CommandResult create = cutOff.expectExit(1, "vdi", "create", "minority", "1M");
                assertThat(create.stderr()).contains("cannot create VDI minority: No majority",
                        "metadata is read-only");
                assertThat(epochOf(cutOff)).as("epoch of the cut-off node").isEqualTo(before);
                // The majority still changes metadata.
                cluster.client(1).create("majority", 1 << 20, 0);

                CommandResult minorityWrites = ExternalCommand.of(net.inHost(2, python(WRITE_BLOCKS,
                        List.of(cluster.endpoint(2).nbdUri(VDI), seed, HALF, BLOCKS, BLOCK)))).timeout(FIO_TIMEOUT)
                        .run();
                List<Integer> acked = acked(minorityWrites);
                // A minority grants no write lock: the writer is refused while it attaches, by the server's policy.
                assertThat(minorityWrites.exitCode()).as(minorityWrites.describe()).isNotZero();
                assertThat(minorityWrites.output()).as(minorityWrites.describe()).containsIgnoringCase("policy");
                assertThat(acked).isEmpty();
                assertThat(epochOf(cutOff)).isEqualTo(before);

                CommandResult written = fio.join();
                assertThat(written.exitCode()).as("fio through node 0 while node 2 was cut off: %s",
                        written.describe()).isZero();

                net.heal(2);
                // The connections stuck during the cut were never reset: TCP retransmits on them with a backed-off
                // timer (up to 120 s on Linux) before the membership can merge again.
                ClusterAwait.members(cluster.endpoints(), 3, HEAL_TIMEOUT);
                long healed = ClusterAwait.epoch(cluster.endpoints(), split + 1, HEAL_TIMEOUT);
                List<EpochInfo> history = cluster.client(0).info().epochs();
                assertThat(history.get(0).epoch()).isEqualTo(healed);
                for (int node = 1; node < 3; node++) {
                    assertThat(cluster.client(node).info().epochs()).as("epoch history of node %d", node)
                            .isEqualTo(history);
                }
                for (int node : verifyThrough) {
                    CommandResult verify = fio(net, cluster, node, seed, true);
                    assertThat(verify.exitCode()).as("fio verify through node %d: %s", node, verify.describe())
                            .isZero();
                    List<Object> checkArgs = new ArrayList<>(List.of(cluster.endpoint(node).nbdUri(VDI), seed, HALF,
                            BLOCK));
                    checkArgs.addAll(acked);
                    CommandResult check = ExternalCommand.of(net.inHost(node, python(CHECK_BLOCKS, checkArgs))).run();
                    assertThat(check.exitCode()).as("blocks acknowledged by the cut-off node, read through node %d:"
                            + " %s", node, check.describe()).isZero();
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * fio over NBD through {@code node}, run in its namespace: random 16 KiB writes with crc32c headers over the
     * first half of the VDI (at 2 MiB/s, so that it is still writing when the cut comes), or only the verification.
     */
    private CommandResult fio(TestNetwork net, ProcessCluster cluster, int node, long seed, boolean verifyOnly) {
        FioJob job = FioJob.at(work.resolve("fio"), cluster.endpoint(node).nbdUri(VDI)).size(HALF).iodepth(8)
                .seed(seed).rate("2m").timeout(FIO_TIMEOUT).launcher(cmd -> net.inHost(node, cmd));
        return (verifyOnly ? job.verify() : job.write()).run();
    }

    private static long epochOf(CollieRunner collie) {
        // Raw cluster info: the status line, then "TIME EPOCH [NODES]" newest first.
        return collie.ok("cluster", "info", "-r").stdout().lines().skip(1)
                .mapToLong(l -> Long.parseLong(l.split(" ")[1])).max().orElse(0);
    }

    private static List<String> python(String script, List<?> args) {
        List<String> cmd = new ArrayList<>(List.of(ExternalCommand.SYSTEM_PYTHON, "-c", script));
        args.forEach(a -> cmd.add(String.valueOf(a)));
        return cmd;
    }

    private static List<Integer> acked(CommandResult r) {
        return r.stdout().lines().filter(l -> l.startsWith("acked ")).map(l -> Integer.parseInt(l.substring(6)))
                .toList();
    }
}
