package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.collie.it.CollieRunner.Mode;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.QemuIo;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Space accounting as an operator reads it, on three daemon processes with copies 3: the Used and Shared columns of
 * {@code collie vdi list -r} and the cluster's used bytes in {@code collie node info -r} after a write, a snapshot,
 * a copy-on-write overwrite, a clone and its write, and the deletes of the clone, the snapshot and the VDI.
 *
 * <p>Node info follows the stores with a delay (every node publishes its figures periodically), so each step waits
 * until the total has moved by what the step must cost, then checks it did not move by more: a snapshot or a clone
 * that copied data, or a delete that freed what another VDI still reads, would show in that upper bound.
 */
@Tag("cluster")
class SpaceAccountingIT {
    private static final long MIB = 1L << 20;
    private static final long OBJECT = 4 * MIB;
    private static final int COPIES = 3;
    /** Inode objects and store metadata: far less than one data object. */
    private static final long SLACK = MIB;

    @TempDir
    Path work;

    @Test
    void usedSharedAndNodeInfoFollowSnapshotOverwriteCloneAndDelete() {
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(COPIES).start()) {
            CollieRunner collie = CollieRunner.at(cluster.endpoint(0).host(), cluster.endpoint(0).port(),
                    Mode.IN_PROCESS);
            long empty = clusterUsed(collie);

            collie.ok("vdi", "create", "vm", "64M");
            cluster.awaitVdi("vm");
            QemuIo.run(cluster, "vm", 1, false, "write -P 0xaa 0 8M");
            assertRow(collie, "vm", 0, "=", 2 * OBJECT, 0);
            long written = awaitGrowth(collie, empty, 2 * OBJECT * COPIES);

            collie.ok("vdi", "snapshot", "-s", "before-upgrade", "vm");
            assertRow(collie, "vm", 1, "s", 2 * OBJECT, 0);
            assertRow(collie, "vm", 0, "=", 0, 2 * OBJECT);

            // The first write to object 0 copies it inside the cluster: one object more, on every replica. Had the
            // snapshot copied the VDI's data, the total would have grown by two objects more than that.
            QemuIo.run(cluster, "vm", 2, false, "write -P 0xbb 4k 4k");
            assertRow(collie, "vm", 0, "=", OBJECT, OBJECT);
            assertRow(collie, "vm", 1, "s", 2 * OBJECT, 0);
            long overwritten = awaitGrowth(collie, written, OBJECT * COPIES);

            collie.ok("vdi", "clone", "-s", "before-upgrade", "vm", "bob");
            assertRow(collie, "bob", 0, "c", 0, 2 * OBJECT);
            QemuIo.run(cluster, "bob", 0, false, "write -P 0xcc 5M 4k");
            assertRow(collie, "bob", 0, "c", OBJECT, OBJECT);
            long cloneWritten = awaitGrowth(collie, overwritten, OBJECT * COPIES);

            collie.ok("vdi", "delete", "bob");
            long cloneDeleted = awaitDrop(collie, cloneWritten, OBJECT * COPIES);

            // vm still reads object 1 from the snapshot: deleting the snapshot frees only its object 0.
            collie.ok("vdi", "delete", "-s", "before-upgrade", "vm");
            assertRow(collie, "vm", 0, "=", OBJECT, OBJECT);
            QemuIo.run(cluster, "vm", 0, true, "read -P 0xaa 4M 4M");
            long snapshotDeleted = awaitDrop(collie, cloneDeleted, OBJECT * COPIES);

            collie.ok("vdi", "delete", "vm");
            awaitDrop(collie, snapshotDeleted, 2 * OBJECT * COPIES);
            assertThat(clusterUsed(collie)).as("everything written is freed").isLessThanOrEqualTo(empty + SLACK);
        }
    }

    /** Asserts the {@code vdi list -r} row of NAME's snapshot SNAPSHOT (0: the working VDI). */
    private static void assertRow(CollieRunner collie, String name, int snapshot, String marker, long used,
                                  long shared) {
        List<String[]> rows = collie.ok("vdi", "list", "-r", name).stdout().lines().map(l -> l.split(" "))
                .filter(f -> f[2].equals(Integer.toString(snapshot))).toList();
        assertThat(rows).as("rows of %s snapshot %d", name, snapshot).hasSize(1);
        String[] row = rows.get(0);
        assertThat(row[0]).as("marker of %s", Arrays.toString(row)).isEqualTo(marker);
        assertThat(Long.parseLong(row[4])).as("Used of %s", Arrays.toString(row)).isEqualTo(used);
        assertThat(Long.parseLong(row[5])).as("Shared of %s", Arrays.toString(row)).isEqualTo(shared);
    }

    /** Waits until the cluster's used bytes reach {@code from + by}; asserts they went no further than the slack. */
    private static long awaitGrowth(CollieRunner collie, long from, long by) {
        long now = Poll.until("cluster used bytes >= " + (from + by), Duration.ofSeconds(60), whyNot -> {
            long used = clusterUsed(collie);
            whyNot.append("used ").append(used);
            return used >= from + by ? Optional.of(used) : Optional.empty();
        });
        assertThat(now).as("grew by %d, no more", by).isLessThanOrEqualTo(from + by + SLACK);
        return now;
    }

    /** Waits until the cluster's used bytes fall to {@code from - by}; asserts they fell no further than the slack. */
    private static long awaitDrop(CollieRunner collie, long from, long by) {
        long now = Poll.until("cluster used bytes <= " + (from - by), Duration.ofSeconds(60), whyNot -> {
            long used = clusterUsed(collie);
            whyNot.append("used ").append(used);
            return used <= from - by ? Optional.of(used) : Optional.empty();
        });
        assertThat(now).as("fell by %d, no more", by).isGreaterThanOrEqualTo(from - by - SLACK);
        return now;
    }

    /** The Used field of the Total line of {@code node info -r}. */
    private static long clusterUsed(CollieRunner collie) {
        String total = collie.ok("node", "info", "-r").stdout().lines().filter(l -> l.startsWith("Total "))
                .findFirst().orElseThrow(() -> new AssertionError("node info -r has no Total line"));
        return Long.parseLong(total.split(" ")[2]);
    }
}
