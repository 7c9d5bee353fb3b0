package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.daemon.testing.cluster.StoreObjects;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three daemon processes, copies = 3: fio writes through node 0's NBD export with verification headers, then fio
 * verifies the data through node 1 and through node 2. Each node reads its own replica (read policy local-first),
 * so this checks every copy, not just one. Then the stores on disk: each node holds the inode and every written
 * data object, exactly the objects the placement ring assigns to it.
 */
@Tag("cluster")
class ReplicatedFioIT {
    private static final String VDI = "fio";
    private static final long SIZE = 16L << 20;

    @TempDir
    Path work;

    @Test
    void whatFioWroteThroughOneNodeVerifiesThroughEveryNodeAndEveryStoreHoldsIt() throws Exception {
        long seed = FioJob.newSeed();
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3).start()) {
            VdiInfo vdi = cluster.client(0).create(VDI, SIZE, 0);
            assertThat(vdi.copies()).isEqualTo(3);

            cluster.awaitVdi(VDI);
            CommandResult write = fio(cluster.endpoint(0).nbdUri(VDI), seed, false);
            assertThat(write.exitCode()).as(write.describe()).isZero();
            for (int node = 1; node < 3; node++) {
                CommandResult verify = fio(cluster.endpoint(node).nbdUri(VDI), seed, true);
                assertThat(verify.exitCode()).as("verify through node %d: %s", node, verify.describe()).isZero();
                assertThat(verify.output()).as(verify.describe()).doesNotContain("verify failed");
            }
            // The negative control: fio really compares, so a VDI never written fails to verify.
            cluster.client(0).create("blank", SIZE, 0);
            cluster.awaitVdi("blank");
            CommandResult blank = fio(cluster.endpoint(1).nbdUri("blank"), seed, true);
            assertThat(blank.exitCode()).as("verifying a blank VDI: %s", blank.describe()).isNotZero();

            Set<Long> expected = new TreeSet<>(Long::compareUnsigned);
            expected.add(ObjectId.inode(vdi.vid()));
            for (long i = 0; i < SIZE / ObjectLayout.OBJECT_SIZE; i++) {
                expected.add(ObjectId.data(vdi.vid(), i));
            }
            for (int node = 0; node < 3; node++) {
                assertThat(StoreObjects.ofVdi(cluster.storeDir(node), vdi.vid()))
                        .as("objects of VDI %x in node %d's store", vdi.vid(), node)
                        .containsExactlyElementsOf(expected);
            }
            List<NodeInfo> members = cluster.awaitMembers(3);
            assertThat(Replicas.misplaced(cluster, members, 3)).as("objects not on their ring replicas").isEmpty();
            assertThat(cluster.logs()).as("Netty leak reports").doesNotContain("LEAK:");
        }
    }

    /** fio over NBD: random 16 KiB writes with crc32c headers over the whole VDI, or only their verification. */
    private CommandResult fio(String uri, long seed, boolean verifyOnly) {
        FioJob job = FioJob.at(work, uri).size(SIZE).seed(seed).timeout(Duration.ofMinutes(2));
        return (verifyOnly ? job.verify() : job.write()).run();
    }
}
