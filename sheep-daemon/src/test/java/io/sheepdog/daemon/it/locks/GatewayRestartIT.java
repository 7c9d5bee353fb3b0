package io.sheepdog.daemon.it.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart of the sheep under a running writer costs it nothing (docs/operations.md, "The gateway on the compute
 * host"): qemu-io with NBD {@code reconnect-delay} writes a pattern block after block through node 2 while node 2 is
 * killed with -9 and started again at the same address; qemu-io sees no error, the lock passes to the reconnected
 * client, and every block it wrote reads back through another node.
 *
 * <p>It found two bugs: the epoch proposed after node 2 came back sometimes never committed (the leader now
 * re-sends to lagging followers on its own clock, {@code LeaderDuties}), and a node replaced within one JGroups view
 * got no epoch at all, so the lease of its old incarnation never ended ({@code EpochDecider} now tells a restart by
 * the incarnation).
 */
@Tag("cluster")
class GatewayRestartIT {
    private static final int BLOCKS = 600;
    private static final int BLOCK = 64 * 1024;

    @TempDir
    static Path work;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        cluster = ProcessCluster.builder(work).nodes(3).copies(2).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int pattern(int block) {
        return block % 250 + 1;
    }

    private static Optional<VdiLockInfo> lock(String vdi) throws Exception {
        try (SheepClient c = cluster.client(0)) {
            return c.locks().stream().filter(l -> l.vdi().equals(vdi)).findFirst();
        }
    }

    @Test
    void aKilledAndRestartedGatewayCostsAReconnectingWriterNoError() throws Exception {
        cluster.client(0).create("vm1", (long) BLOCKS * BLOCK, 0);
        cluster.awaitVdi("vm1");
        NodeEndpoint gateway = cluster.endpoint(2);
        List<String> writer = new ArrayList<>(List.of("qemu-io", "--image-opts"));
        for (int b = 0; b < BLOCKS; b++) {
            // A pause between blocks, so that the kill and the restart fall in the middle of the run.
            writer.addAll(List.of("-c", "write -P " + pattern(b) + " " + (long) b * BLOCK + " 64k", "-c", "sleep 20"));
        }
        writer.add("-c");
        writer.add("flush");
        writer.add("driver=nbd,server.type=inet,server.host=" + gateway.host() + ",server.port="
                + gateway.nbdPort() + ",export=vm1,reconnect-delay=60");
        CompletableFuture<CommandResult> run = CompletableFuture.supplyAsync(
                () -> ExternalCommand.of(writer).timeout(Duration.ofMinutes(5)).run());

        VdiLockInfo before = Poll.until("the writer holding vm1's lock", Duration.ofSeconds(30),
                why -> lock("vm1"));
        // Past the handshake (qemu reconnects only once connected): its first block is stored.
        String firstBlock = cluster.endpoint(0).nbdUri("vm1/ro");
        Poll.until("the writer's first block", Duration.ofSeconds(30), why -> {
            CommandResult read = ExternalCommand.of("qemu-io", "-f", "raw", "-r", "-c", "read -P 1 0 64k",
                    firstBlock).run();
            why.append(read.output());
            return read.exitCode() == 0 && !read.output().contains("failed") ? Optional.of(true) : Optional.empty();
        });
        assertThat(run).as("the writer still writing when its gateway dies").isNotDone();
        cluster.kill9(2);
        cluster.sheep(2).startAgain();
        VdiLockInfo after;
        try {
            after = Poll.until("the lock passing to the reconnected writer", Duration.ofSeconds(60),
                why -> lock("vm1").filter(l -> l.generation() > before.generation()));
        } catch (AssertionError e) {
            System.out.println(cluster.logTails());
            throw e;
        }
        assertThat(after.node()).isEqualTo(before.node());
        assertThat(run).as("the lock passed while the writer runs, not after it detached").isNotDone();
        CommandResult r = run.get(5, TimeUnit.MINUTES);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.output()).as(r.describe()).doesNotContain("failed").doesNotContain("error");

        List<String> reader = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
        for (int b = 0; b < BLOCKS; b++) {
            reader.addAll(List.of("-c", "read -P " + pattern(b) + " " + (long) b * BLOCK + " 64k"));
        }
        reader.add(cluster.endpoint(0).nbdUri("vm1/ro"));
        CommandResult check = ExternalCommand.of(reader).timeout(Duration.ofMinutes(2)).run();
        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.output()).doesNotContain("Pattern verification failed").doesNotContain("failed");
    }
}
