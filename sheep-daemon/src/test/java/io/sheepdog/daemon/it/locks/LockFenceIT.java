package io.sheepdog.daemon.it.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fence of a lock whose lease ended (docs/architecture.md, "Attach locks"), in the classic case: the holder's
 * gateway freezes (SIGSTOP: a long pause, a hung host) with a write in its hands, the cluster ends its lease and
 * another client writes the VDI, then the gateway wakes up, still sure it holds the lock, and carries on with the
 * write it had. That write must not land after the new writer's: it fails, and every block keeps the new writer's
 * pattern. Without the permit asked before each attempt the old write landed once the woken gateway learned the
 * new epoch and retried under it.
 */
@Tag("cluster")
class LockFenceIT {
    private static final int BLOCKS = 64;
    private static final int BLOCK = 64 * 1024;
    private static final int OLD = 0xa1;
    private static final int NEW = 0xb2;

    /** Writes the block pattern OLD over blocks 0..count-1 again and again (FUA); stops at the first error. */
    private static final String OLD_WRITER = """
            import nbd, sys
            uri, count, bs, byte = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            h = nbd.NBD()
            h.connect_uri(uri)
            data = bytes([byte]) * bs
            i = 0
            while True:
                try:
                    h.pwrite(data, (i % count) * bs, nbd.CMD_FLAG_FUA)
                except nbd.Error as e:
                    print("failed", i % count, e)
                    break
                print("acked", i % count)
                sys.stdout.flush()
                i += 1
            """;

    @TempDir
    Path work;

    @Test
    void aFrozenHoldersWriteDoesNotLandAfterItsLeaseEndedAndAnotherClientWrote() throws Exception {
        assumeTrue(ExternalCommand.hasPythonLibnbd(), "python3-libnbd is not installed");
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(4).gatewayOnly(3)
                .copies(3).awaitTimeout(Duration.ofSeconds(60)).start()) {
            try {
                cluster.client(0).create("fenced", (long) BLOCKS * BLOCK, 0);
                cluster.awaitVdi("fenced");
                String gateway = cluster.endpoint(3).host() + ":" + cluster.endpoint(3).port();
                CompletableFuture<CommandResult> old = CompletableFuture.supplyAsync(() -> ExternalCommand.python(
                        OLD_WRITER, cluster.endpoint(3).nbdUri("fenced"), String.valueOf(BLOCKS),
                        String.valueOf(BLOCK), String.valueOf(OLD)).timeout(Duration.ofMinutes(4)).run());
                VdiLockInfo held = Poll.until("the old writer holding the lock through the gateway",
                        Duration.ofSeconds(30), why -> lock(cluster, "fenced").filter(l -> l.node().equals(gateway)));
                Poll.until("the old writer writing", Duration.ofSeconds(30), why -> {
                    try (SheepClient c = cluster.client(0)) {
                        return c.lookup("fenced").usedBytes() > 0 ? Optional.of(true) : Optional.empty();
                    }
                });

                long pid = cluster.sheep(3).pid();
                signal("STOP", pid);
                try {
                    Poll.until("the frozen gateway's lease to end", Duration.ofSeconds(60),
                            why -> lock(cluster, "fenced").isEmpty() ? Optional.of(true) : Optional.empty());
                    List<String> writer = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
                    for (int b = 0; b < BLOCKS; b++) {
                        writer.addAll(List.of("-c", "write -P " + NEW + " " + (long) b * BLOCK + " " + BLOCK));
                    }
                    writer.addAll(List.of("-c", "flush", cluster.endpoint(0).nbdUri("fenced")));
                    CommandResult wrote = ExternalCommand.of(writer).timeout(Duration.ofMinutes(2)).run();
                    assertThat(wrote.exitCode()).as(wrote.describe()).isZero();
                    assertThat(wrote.output()).doesNotContain("failed");
                    // The release is proposed when the daemon sees the connection close, after qemu-io exited.
                    Poll.until("the new writer's lock released", Duration.ofSeconds(30),
                            why -> lock(cluster, "fenced").isEmpty() ? Optional.of(true) : Optional.empty());
                } finally {
                    signal("CONT", pid);
                }

                CommandResult ended = old.get(4, TimeUnit.MINUTES);
                System.out.println("the old writer: " + ended.describe());
                assertThat(ended.output()).as(ended.describe()).contains("failed");
                Poll.until("nothing holding the lock", Duration.ofSeconds(30),
                        why -> lock(cluster, "fenced").isEmpty() ? Optional.of(true) : Optional.empty());
                assertThat(held.generation()).isPositive();

                List<String> reader = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
                for (int b = 0; b < BLOCKS; b++) {
                    reader.addAll(List.of("-c", "read -P " + NEW + " " + (long) b * BLOCK + " " + BLOCK));
                }
                reader.add(cluster.endpoint(1).nbdUri("fenced/ro"));
                CommandResult check = ExternalCommand.of(reader).timeout(Duration.ofMinutes(2)).run();
                assertThat(check.exitCode()).as(check.describe()).isZero();
                assertThat(check.output()).as("every block the new writer's, the old writer's last write refused")
                        .doesNotContain("Pattern verification failed").doesNotContain("failed");
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    private static Optional<VdiLockInfo> lock(ProcessCluster cluster, String vdi) throws Exception {
        try (SheepClient c = cluster.client(0)) {
            return c.locks().stream().filter(l -> l.vdi().equals(vdi)).findFirst();
        }
    }

    private static void signal(String name, long pid) {
        CommandResult r = ExternalCommand.of("kill", "-" + name, Long.toString(pid)).run();
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }
}
