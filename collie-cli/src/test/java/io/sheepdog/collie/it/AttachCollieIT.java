package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.collie.it.CollieRunner.Mode;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.QemuVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's view of attached VDIs on three daemon processes with a real qemu attached through node 1:
 * {@code vm list} says where it runs, {@code vdi lock list} names the holder through any node, {@code vdi lock
 * unlock} asks first and breaks the lock only when told, and the broken holder cannot write any more.
 */
@Tag("cluster")
class AttachCollieIT {
    @TempDir
    Path work;

    @Test
    void vmListAndLockCommandsFollowARunningVmAndABrokenLockFencesIt() throws Exception {
        assumeTrue(ExternalCommand.isOnPath(QemuVm.PROGRAM), "qemu-system-x86_64 (qemu-system-x86) is not installed");
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(3).copies(2).start()) {
            CollieRunner collie = CollieRunner.at(cluster.endpoint(2).host(), cluster.endpoint(2).port(),
                    Mode.PROCESS);
            collie.ok("vdi", "create", "vm1", "64M");
            collie.ok("vdi", "create", "idle", "16M");
            NodeEndpoint through = cluster.endpoint(1);
            String node = through.host() + ":" + through.port();
            QemuVm vm = QemuVm.start(work, "vm1", List.of("-drive", "file=" + through.nbdUri("vm1")
                    + ",format=raw,if=none,id=drive0,cache=none", "-device", "virtio-blk-pci,drive=drive0"));
            try {
                String vms = Poll.until("vm list showing vm1 running", cluster.awaitTimeout(), why -> {
                    String out = collie.ok("vm", "list").stdout();
                    why.append(out);
                    return out.lines().anyMatch(l -> l.startsWith("vm1 ") && l.endsWith("running on "
                            + through.host())) ? Optional.of(out) : Optional.empty();
                });
                assertThat(vms.lines()).anyMatch(l -> l.startsWith("idle ") && l.endsWith("not running"));

                String locks = collie.ok("vdi", "lock", "list").stdout();
                assertThat(locks.lines()).anyMatch(l -> l.contains("vm1") && l.contains(through.host())
                        && l.contains(node));

                vm.write("drive0", 0x11, 0, 65536);
                Path no = work.resolve("no");
                Files.writeString(no, "no\n");
                CommandResult asked = collie.runWithInput(no, "vdi", "lock", "unlock", "vm1");
                assertThat(asked.exitCode()).as(asked.describe()).isEqualTo(1);
                assertThat(asked.output()).contains("Are you sure you want to continue?", "nothing changed");
                assertThat(collie.ok("vdi", "lock", "list").stdout()).contains("vm1");

                collie.ok("vdi", "lock", "unlock", "--force", "vm1");
                assertThat(collie.ok("vdi", "lock", "list").stdout()).doesNotContain("vm1");
                assertThat(collie.ok("vm", "list").stdout().lines())
                        .anyMatch(l -> l.startsWith("vm1 ") && l.endsWith("not running"));
                // the broken holder is fenced: its next write does not reach the VDI
                vm.write("drive0", 0x22, 0, 65536);
            } finally {
                vm.close();
            }
            assertThat(vm.output()).as(vm.output()).contains("wrote 65536/65536 bytes at offset 0")
                    .contains("write failed");
            CommandResult read = ExternalCommand.of("qemu-io", "-f", "raw", "-r", "-c", "read -P 0x11 0 64k",
                    cluster.endpoint(0).nbdUri("vm1/ro")).run();
            assertThat(read.exitCode()).as(read.describe()).isZero();
            assertThat(read.output()).as(read.describe()).doesNotContain("failed");
        }
    }
}
