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
import io.sheepdog.daemon.testing.process.FreePorts;
import io.sheepdog.daemon.testing.process.QemuVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qemu live migration of a machine whose disk is a VDI, from a qemu attached through node 0 to one attached through
 * node 1, with the write lock on, following docs/operations.md, "Live migration": {@code vdi lock migrate} first,
 * the destination started with {@code -incoming}, then {@code migrate}. The source writes a pattern block after
 * block before and during the migration (the monitor's qemu-io, through the block layer a guest's writes take), the
 * destination after it resumed; the source cannot write once it handed over, and every block reads back with the
 * pattern of its last writer through a third node.
 */
@Tag("cluster")
class LiveMigrationIT {
    private static final int BLOCKS = 160;
    private static final int BLOCK = 64 * 1024;
    private static final String DRIVE = "drive0";

    @TempDir
    static Path work;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(ExternalCommand.isOnPath(QemuVm.PROGRAM), "qemu-system-x86_64 (qemu-system-x86) is not installed");
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        cluster = ProcessCluster.builder(work).nodes(3).copies(2).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The pattern byte of block {@code b} as its first writer writes it; 1..250, never 0 (unwritten). */
    private static int pattern(int b) {
        return b % 250 + 1;
    }

    private static List<String> disk(NodeEndpoint node, String vdi) {
        return List.of("-drive", "file=" + node.nbdUri(vdi) + ",format=raw,if=none,id=" + DRIVE + ",cache=none",
                "-device", "virtio-blk-pci,drive=" + DRIVE + ",id=disk0");
    }

    private static List<String> plus(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }

    private static VdiLockInfo lock(String vdi) throws Exception {
        try (SheepClient c = cluster.client(2)) {
            return c.locks().stream().filter(l -> l.vdi().equals(vdi)).findFirst().orElseThrow();
        }
    }

    private static String hostPort(NodeEndpoint n) {
        return n.host() + ":" + n.port();
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aVmMigratesBetweenNodesWithTheLockOnAndEveryBlockHasItsLastWritersPattern() throws Exception {
        cluster.client(0).create("vm", (long) BLOCKS * BLOCK, 0);
        cluster.awaitVdi("vm");
        int[] patternOf = new int[BLOCKS];
        int sourceWrites;
        int destinationWrites = 0;
        QemuVm source = QemuVm.start(work, "source", disk(cluster.endpoint(0), "vm"));
        QemuVm destination = null;
        try {
            VdiLockInfo held = Poll.until("the source holding vm's lock", Duration.ofSeconds(30),
                    why -> Optional.of(lock("vm")).filter(l -> l.node().equals(hostPort(cluster.endpoint(0)))));

            // Without the migrate step the destination is a second writer, refused while it opens its disk.
            Optional<String> refused = QemuVm.startRefused(work, "unannounced",
                    plus(disk(cluster.endpoint(1), "vm"), "-incoming", "defer"));
            assertThat(refused).as("a destination attaching without 'vdi lock migrate'").isPresent();
            assertThat(refused.get()).contains("locked by");

            try (SheepClient c = cluster.client(0)) {
                c.migrateLock("vm", hostPort(cluster.endpoint(1)));
            }
            int port = FreePorts.pick(1)[0];
            destination = QemuVm.start(work, "destination",
                    plus(disk(cluster.endpoint(1), "vm"), "-incoming", "tcp:127.0.0.1:" + port));
            QemuVm target = destination; // for the lambda
            assertThat(destination.status()).isEqualTo("inmigrate");
            assertThat(lock("vm").standby()).as("the destination attached as the standby").isNotEmpty();

            int b = 0;
            for (; b < BLOCKS / 4; b++) {
                source.write(DRIVE, pattern(b), (long) b * BLOCK, BLOCK);
                patternOf[b] = pattern(b);
            }
            // Slow enough that the source writes while its memory moves.
            source.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 256 * 1024));
            source.qmp().execute("migrate", Map.of("uri", "tcp:127.0.0.1:" + port));
            int during = 0;
            String status = source.migrationStatus();
            while (b < BLOCKS / 2 && (status.equals("setup") || status.equals("active"))) {
                source.write(DRIVE, pattern(b), (long) b * BLOCK, BLOCK);
                patternOf[b] = pattern(b);
                b++;
                during++;
                status = source.migrationStatus();
            }
            String done = Poll.until("the migration to end", Duration.ofSeconds(120), why -> {
                String s = source.migrationStatus();
                why.append(s);
                return s.equals("completed") || s.equals("failed") ? Optional.of(s) : Optional.empty();
            });
            assertThat(done).as(source.output()).isEqualTo("completed");
            assertThat(during).as("blocks the source wrote while the migration ran").isPositive();
            sourceWrites = b;
            // Handed over: the source is paused for good, so no guest write of it can follow.
            assertThat(source.status()).isEqualTo("postmigrate");

            Poll.until("the destination running", Duration.ofSeconds(30),
                    why -> Optional.of(target.status()).filter(s -> s.equals("running")));
            for (; b < BLOCKS; b++) {
                destination.write(DRIVE, pattern(b), (long) b * BLOCK, BLOCK);
                patternOf[b] = pattern(b);
                destinationWrites++;
            }
            // The destination overwrites some of the source's blocks: the last writer's pattern must win.
            for (int r = 0; r < BLOCKS / 2; r += 7) {
                destination.write(DRIVE, 251, (long) r * BLOCK, BLOCK);
                patternOf[r] = 251;
                destinationWrites++;
            }
            destination.qmp().hmp("qemu-io " + DRIVE + " flush");
            VdiLockInfo after = lock("vm");
            assertThat(after.node()).isEqualTo(hostPort(cluster.endpoint(1)));
            assertThat(after.generation()).isGreaterThan(held.generation());
            assertThat(after.standby()).isEmpty();
        } finally {
            if (destination != null) {
                destination.close();
            }
            source.close();
        }
        // qemu-io reports on qemu's stdout, which a file receives in full once qemu exited.
        assertThat(count(source.output(), "wrote " + BLOCK + "/" + BLOCK)).as(source.output())
                .isEqualTo(sourceWrites);
        assertThat(count(destination.output(), "wrote " + BLOCK + "/" + BLOCK)).as(destination.output())
                .isEqualTo(destinationWrites);
        assertThat(source.output() + destination.output()).doesNotContain("failed");

        List<String> reader = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
        for (int b = 0; b < BLOCKS; b++) {
            reader.addAll(List.of("-c", "read -P " + patternOf[b] + " " + (long) b * BLOCK + " " + BLOCK));
        }
        reader.add(cluster.endpoint(2).nbdUri("vm/ro"));
        CommandResult check = ExternalCommand.of(reader).timeout(Duration.ofMinutes(2)).run();
        assertThat(check.exitCode()).as(check.describe()).isZero();
        assertThat(check.output()).as(check.describe()).doesNotContain("Pattern verification failed")
                .doesNotContain("failed");
    }
}
