package io.sheepdog.daemon.it.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.QemuIo;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.nbd.testutil.NbdTestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per VDI (docs/architecture.md, "Attach locks") on three daemon processes, with real NBD clients: a
 * second writer through another node is refused during the handshake with the holder named, readers are not, the
 * connections of one client share the lock, and the lock goes with the holder's connection or its node.
 */
@Tag("cluster")
class AttachLockIT {
    private static final byte[] BLOCK = new byte[4096];

    @TempDir
    static Path work;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        Arrays.fill(BLOCK, (byte) 0x3c);
        cluster = ProcessCluster.builder(work).nodes(3).copies(3).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static NbdTestClient attach(int node, String vdi) throws Exception {
        return NbdTestClient.connect(cluster.endpoint(node).nbdPort(), vdi, true, false);
    }

    private static CommandResult qemuIo(int node, String export, String command) {
        return ExternalCommand.of("qemu-io", "-f", "raw", "-c", command, cluster.endpoint(node).nbdUri(export)).run();
    }

    private static Optional<VdiLockInfo> lock(int node, String vdi) throws SheepException {
        try (SheepClient c = cluster.client(node)) {
            return c.locks().stream().filter(l -> l.vdi().equals(vdi)).findFirst();
        }
    }

    @Test
    void aSecondWriterThroughAnotherNodeIsRefusedWithTheHolderNamedAndReadersAreNot() throws Exception {
        cluster.client(0).create("alice", 64L << 20, 0);
        cluster.awaitVdi("alice");
        try (NbdTestClient holder = attach(0, "alice")) {
            assertThat(holder.call(NbdTestClient.CMD_WRITE, 0, 0, BLOCK.length, BLOCK).error()).isZero();
            VdiLockInfo l = lock(1, "alice").orElseThrow();
            assertThat(l.node()).isEqualTo(cluster.endpoint(0).host() + ":" + cluster.endpoint(0).port());
            assertThat(l.client()).isEqualTo("127.0.0.1");

            CommandResult second = qemuIo(1, "alice", "write -P 0x11 0 4k");
            assertThat(second.exitCode()).as(second.describe()).isNotZero();
            assertThat(second.output()).as(second.describe())
                    .contains("VDI alice is locked by 127.0.0.1 through node " + l.node() + " since ");

            QemuIo.run(cluster, "alice", 1, true, "read -P 0x3c 0 4k");
            cluster.client(2).snapshot("alice", "s1");
            QemuIo.run(cluster, "alice@s1", 2, true, "read -P 0x3c 0 4k");

            assertThatThrownBy(() -> cluster.client(2).rollback("alice", SnapshotRef.parse("s1")))
                    .isInstanceOfSatisfying(SheepException.class,
                            e -> assertThat(e.result()).isEqualTo(ResultCode.VDI_LOCKED));
            assertThatThrownBy(() -> cluster.client(1).delete("alice")).isInstanceOf(SheepException.class)
                    .hasMessageContaining("while it is attached");
            assertThat(holder.call(NbdTestClient.CMD_FLUSH, 0, 0, 0, null).error()).isZero();
        }
        // The holder detached: the next writer through another node waits for the release, if it must, and writes.
        QemuIo.run(cluster, "alice", 1, false, "write -P 0x22 0 4k");
        Poll.until("alice unlocked", Duration.ofSeconds(10), why -> lock(2, "alice").isEmpty()
                ? Optional.of(true) : Optional.empty());
        cluster.client(0).rollback("alice", SnapshotRef.parse("s1"));
    }

    @Test
    void theConnectionsOfOneClientThroughOneNodeShareTheLock() throws Exception {
        cluster.client(0).create("bob", 64L << 20, 0);
        cluster.awaitVdi("bob");
        try (NbdTestClient one = attach(0, "bob"); NbdTestClient two = attach(0, "bob")) {
            assertThat(one.call(NbdTestClient.CMD_WRITE, 0, 0, BLOCK.length, BLOCK).error()).isZero();
            assertThat(two.call(NbdTestClient.CMD_WRITE, 0, 4096, BLOCK.length, BLOCK).error()).isZero();
            assertThat(qemuIo(2, "bob", "write 0 4k").exitCode()).isNotZero();
            one.close();
            assertThat(two.call(NbdTestClient.CMD_WRITE, 0, 8192, BLOCK.length, BLOCK).error())
                    .as("the lock stays while one connection is left").isZero();
            assertThat(lock(1, "bob")).isPresent();
        }
        if (ExternalCommand.isOnPath("nbdcopy")) {
            Path image = work.resolve("bob.raw");
            byte[] data = new byte[16 << 20];
            new Random(42).nextBytes(data);
            Files.write(image, data);
            CommandResult copy = ExternalCommand.of("nbdcopy", "--connections=4", image.toString(),
                    cluster.endpoint(1).nbdUri("bob")).run();
            assertThat(copy.exitCode()).as(copy.describe()).isZero();
            CommandResult back = ExternalCommand.of("nbdcopy", cluster.endpoint(2).nbdUri("bob/ro"),
                    work.resolve("bob.back").toString()).run();
            assertThat(back.exitCode()).as(back.describe()).isZero();
            assertThat(Arrays.copyOf(Files.readAllBytes(work.resolve("bob.back")), data.length)).isEqualTo(data);
        }
    }

    @Test
    void aLockEndsWithTheNodeThatHeldIt() throws Exception {
        cluster.client(0).create("carol", 64L << 20, 0);
        cluster.awaitVdi("carol");
        NbdTestClient holder = attach(2, "carol");
        try {
            assertThat(holder.call(NbdTestClient.CMD_WRITE, 0, 0, BLOCK.length, BLOCK).error()).isZero();
            assertThat(lock(0, "carol")).isPresent();
            cluster.kill9(2);
            Poll.until("carol's lock released after node 2 died", Duration.ofSeconds(60),
                    why -> lock(0, "carol").isEmpty() ? Optional.of(true) : Optional.empty());
            QemuIo.run(cluster, "carol", 1, false, "write -P 0x44 0 4k");
        } finally {
            holder.close();
            cluster.restart(2);
            cluster.awaitMembers(3);
        }
        QemuIo.run(cluster, "carol", 2, true, "read -P 0x44 0 4k");
        // node 1's writer released on close, which the daemon sees after qemu-io exited
        Poll.until("carol unlocked after node 1's writer left", Duration.ofSeconds(30),
                why -> lock(2, "carol").isEmpty() ? Optional.of(true) : Optional.empty());
    }
}
