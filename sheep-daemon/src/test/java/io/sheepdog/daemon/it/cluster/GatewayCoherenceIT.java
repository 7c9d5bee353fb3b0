package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * Every gateway serves a VDI as the others left it (docs/architecture.md, "Map coherence between gateways"): three
 * daemon processes, copies 3, qemu-io through different nodes' NBD exports, as multipath and live migration use
 * them. A node that read an object keeps it in its copy of the object map; another node then drops the object (a
 * whole-object discard, or write-zeroes with unmap) or the VDI itself (deleted and created again): the first node
 * must read zeroes and take writes, not answer EIO.
 */
@Tag("cluster")
class GatewayCoherenceIT {
    private static final String FOUR_MIB = "4M";

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
    void anObjectDiscardedThroughOneNodeReadsAsZeroesAndTakesWritesThroughANodeThatHadReadIt() throws Exception {
        droppedThroughNodeZero("carol", "discard 0 " + FOUR_MIB);
    }

    @Test
    void anObjectZeroedWithUnmapThroughOneNodeReadsAsZeroesAndTakesWritesThroughANodeThatHadReadIt()
            throws Exception {
        droppedThroughNodeZero("dave", "write -z -u 0 " + FOUR_MIB);
    }

    @Test
    void aVdiDeletedAndCreatedAgainThroughAnotherNodeIsTheNewOneThroughANodeThatHadReadTheOld() throws Exception {
        String name = "erin";
        cluster.client(0).create(name, 64L << 20, 0);
        cluster.awaitVdi(name);
        qemuIo(name, 0, false, "write -P 0xab 0 " + FOUR_MIB);
        qemuIo(name, 1, true, "read -P 0xab 0 " + FOUR_MIB);

        cluster.client(2).delete(name);
        VdiInfo again = cluster.client(2).create(name, 32L << 20, 0);
        assertThat(again.size()).isEqualTo(32L << 20);

        CommandResult size = qemuIo(name, 1, true, "length");
        assertThat(size.output()).as(size.describe()).contains("32 MiB");
        qemuIo(name, 1, true, "read -P 0 0 " + FOUR_MIB);
        qemuIo(name, 1, false, "write -P 0x5a 0 4k");
        for (int node = 0; node < 3; node++) {
            qemuIo(name, node, true, "read -P 0x5a 0 4k");
            qemuIo(name, node, true, "read -P 0 4k 4092k");
        }
    }

    /**
     * Node 0 writes object 0 of a new VDI, node 1 reads it, node 0 drops it with {@code drop}; then node 1 reads
     * zeroes and writes, and every node reads what node 1 wrote.
     */
    private void droppedThroughNodeZero(String name, String drop) throws Exception {
        cluster.client(0).create(name, 64L << 20, 0);
        cluster.awaitVdi(name);
        qemuIo(name, 0, false, "write -P 0xab 0 " + FOUR_MIB);
        qemuIo(name, 1, true, "read -P 0xab 0 " + FOUR_MIB);
        qemuIo(name, 0, false, drop);

        qemuIo(name, 1, true, "read -P 0 0 " + FOUR_MIB);
        qemuIo(name, 1, false, "write -P 0x5a 0 4k");
        for (int node = 0; node < 3; node++) {
            qemuIo(name, node, true, "read -P 0x5a 0 4k");
            qemuIo(name, node, true, "read -P 0 4k 4092k");
        }
    }

    private static CommandResult qemuIo(String export, int node, boolean readOnly, String command) {
        return QemuIo.run(cluster, export, node, readOnly, command);
    }
}
