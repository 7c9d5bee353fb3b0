package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.collie.it.CollieRunner.Mode;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.QemuIo;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw images and backups through real daemons, checked with {@code qemu-img compare}: a sparse image imported into a
 * 3-node cluster reads back over NBD and exports to the same bytes; a full backup of one snapshot and an incremental
 * one to the next, restored into a VDI of a second (one-node) cluster, give the later snapshot's content.
 */
@Tag("cluster")
class ImageRoundTripIT {
    private static final long MIB = 1L << 20;

    @TempDir
    Path work;

    @Test
    void importExportAndBackupRestoreBetweenTwoClustersRoundTrip() throws Exception {
        assumeTrue(ExternalCommand.isOnPath("qemu-img") && ExternalCommand.isOnPath("qemu-io"),
                "qemu-img and qemu-io (qemu-utils) are not installed");
        Path image = work.resolve("disk.raw");
        long seed = System.nanoTime();
        System.out.println("ImageRoundTripIT seed " + seed);
        Random random = new Random(seed);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            for (long at : new long[] {0, 5 * MIB + 4096, 17 * MIB}) {
                byte[] b = new byte[(int) MIB + random.nextInt((int) MIB)];
                random.nextBytes(b);
                f.seek(at);
                f.write(b);
            }
            f.setLength(24 * MIB);
        }
        try (ProcessCluster a = ProcessCluster.builder(work.resolve("a")).nodes(3).copies(3).start();
             ProcessCluster b = ProcessCluster.builder(work.resolve("b")).nodes(1).copies(1).start()) {
            CollieRunner collieA = CollieRunner.at(a.endpoint(0).host(), a.endpoint(0).port(), Mode.IN_PROCESS);
            CollieRunner collieB = CollieRunner.at(b.endpoint(0).host(), b.endpoint(0).port(), Mode.IN_PROCESS);

            collieA.ok("vdi", "import", "disk", image.toString());
            a.awaitVdi("disk");
            compare(image.toString(), a.endpoint(1).nbdUri("disk"));
            Path exported = work.resolve("out.raw");
            collieA.ok("vdi", "export", "disk", exported.toString());
            compare(image.toString(), exported.toString());

            collieA.ok("vdi", "snapshot", "-s", "monday", "disk");
            QemuIo.run(a, "disk", 2, false, "write -P 0x5e 6M 3M");
            QemuIo.run(a, "disk", 1, false, "write -z 17M 1M");
            collieA.ok("vdi", "snapshot", "-s", "tuesday", "disk");
            Path full = work.resolve("full.bak");
            Path incremental = work.resolve("incr.bak");
            ok(collieA.runWithOutput(full, "vdi", "backup", "-s", "monday", "disk"));
            ok(collieA.runWithOutput(incremental, "vdi", "backup", "-F", "monday", "-s", "tuesday", "disk"));
            assertThat(incremental.toFile().length()).as("4 MiB changed").isLessThan(5 * MIB);

            collieB.ok("vdi", "create", "copy", "24M");
            ok(collieB.runWithInput(full, "vdi", "restore", "copy"));
            compare(a.endpoint(0).nbdUri("disk@monday"), b.endpoint(0).nbdUri("copy"));
            collieB.ok("vdi", "snapshot", "-s", "monday", "copy");
            ok(collieB.runWithInput(incremental, "vdi", "restore", "-s", "monday", "copy"));
            compare(a.endpoint(2).nbdUri("disk@tuesday"), b.endpoint(0).nbdUri("copy"));
        }
    }

    private static void compare(String left, String right) {
        CommandResult r = ExternalCommand.of("qemu-img", "compare", "-f", "raw", "-F", "raw", left, right).run();
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    private static void ok(CommandResult r) {
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }
}
