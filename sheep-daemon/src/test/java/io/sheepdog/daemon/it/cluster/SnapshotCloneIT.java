package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.QemuIo;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots, clones and rollback on three daemon processes with copies 3, through real NBD clients (qemu-io,
 * nbdinfo) on different nodes: the first write to a shared object copies it inside the cluster, a snapshot is
 * exported read-only as NAME@TAG and NAME@ID, a clone shares its snapshot's data, and {@code cluster check} of every
 * object of every VDI finds nothing to repair.
 */
@Tag("cluster")
class SnapshotCloneIT {
    private static final long SIZE = 64L << 20;

    @TempDir
    static Path work;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        cluster = ProcessCluster.builder(work).nodes(3).copies(3).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSnapshotKeepsItsContentWhileTheVdiAndAClonesOfItAreWrittenThroughOtherNodes() throws Exception {
        String name = "alice";
        VdiInfo created = cluster.client(0).create(name, SIZE, 0);
        cluster.awaitVdi(name);
        qemuIo(name, 0, false, "write -P 0xaa 0 8M");
        // Node 0's connection stays open in spirit: node 1 reads it, so both hold the old inode in memory.
        qemuIo(name, 1, true, "read -P 0xaa 0 8M");

        VdiInfo snap = cluster.client(1).snapshot(name, "snap1");
        assertThat(snap.vid()).isEqualTo(created.vid());
        VdiInfo working = cluster.client(2).lookup(name);
        assertThat(working.parentVid()).isEqualTo(snap.vid());

        // Copy-on-write through node 2 and node 1 (which had the old inode cached), partial objects.
        qemuIo(name, 2, false, "write -P 0xbb 4M 64k");
        qemuIo(name, 1, false, "write -P 0xcc 1M 4k");
        for (int node = 0; node < 3; node++) {
            qemuIo(name, node, true, "read -P 0xaa 0 1M");
            qemuIo(name, node, true, "read -P 0xcc 1M 4k");
            qemuIo(name, node, true, "read -P 0xbb 4M 64k");
            qemuIo(name, node, true, "read -P 0xaa 4160k 4032k");
            qemuIo(name + "@snap1", node, true, "read -P 0xaa 0 8M");
            qemuIo(name + "@1", node, true, "read -P 0xaa 0 8M");
        }
        CommandResult refused = ExternalCommand.of("qemu-io", "-f", "raw", "-c", "write -P 0xdd 0 4k",
                cluster.endpoint(0).nbdUri(name + "@snap1")).run();
        assertThat(refused.exitCode() != 0 || refused.output().contains("failed"))
                .as("a snapshot is read-only: %s", refused.describe()).isTrue();
        qemuIo(name + "@snap1", 2, true, "read -P 0xaa 0 4k");

        VdiInfo clone = cluster.client(0).clone(name, SnapshotRef.parse("snap1"), "bob");
        qemuIo("bob", 1, false, "write -P 0xee 6M 4k");
        qemuIo("bob", 2, true, "read -P 0xaa 0 6M");
        qemuIo("bob", 2, true, "read -P 0xee 6M 4k");
        qemuIo(name + "@snap1", 2, true, "read -P 0xaa 6M 4k");
        assertThat(cluster.client(2).lookup("bob")).extracting(VdiInfo::parentVid, VdiInfo::usedBytes,
                VdiInfo::sharedBytes).containsExactly(snap.vid(), 4L << 20, 4L << 20);
        assertThat(clone.sharedBytes()).isEqualTo(8L << 20);

        VdiInfo back = cluster.client(2).rollback(name, SnapshotRef.parse("1"));
        for (int node = 0; node < 3; node++) {
            qemuIo(name, node, true, "read -P 0xaa 0 8M");
        }
        assertThat(back.parentVid()).isEqualTo(snap.vid());

        for (String vdi : new String[] {name, "bob"}) {
            for (long oid : cluster.client(0).objects(vdi)) {
                ObjectCheck check = cluster.client(1).check(oid);
                assertThat(check.outcome()).as("%s object %x: %s", vdi, oid, check).isEqualTo(ObjectCheck.Outcome.OK);
                assertThat(check.findings()).as("%s object %x", vdi, oid).isEmpty();
            }
        }
    }

    @Test
    void nbdinfoListsEverySnapshotAsAReadOnlyExport() throws Exception {
        assumeTrue(ExternalCommand.isOnPath("nbdinfo"), "nbdinfo (libnbd-bin) is not installed");
        String name = "carol";
        cluster.client(0).create(name, SIZE, 0);
        cluster.client(0).snapshot(name, "base");
        cluster.client(0).snapshot(name, "");
        CommandResult list = ExternalCommand.of("nbdinfo", "--list", cluster.endpoint(1).nbdUri("")).run();
        assertThat(list.exitCode()).as(list.describe()).isZero();
        assertThat(list.output()).contains("export=\"carol\"").contains("export=\"carol@1\"")
                .contains("export=\"carol@base\"").contains("export=\"carol@2\"");
        CommandResult info = ExternalCommand.of("nbdinfo", cluster.endpoint(2).nbdUri(name + "@base")).run();
        assertThat(info.exitCode()).as(info.describe()).isZero();
        assertThat(info.output()).contains("is_read_only: true");
    }

    private static CommandResult qemuIo(String export, int node, boolean readOnly, String command) {
        return QemuIo.run(cluster, export, node, readOnly, command);
    }
}
