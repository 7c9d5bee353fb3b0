package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.membership.ring.HashRing;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VDI created with its own {@code --copies} has every object, its inode included, on that many nodes: exactly the
 * ring's replicas for that count. The inode is written before the VDI's table entry exists, and was once placed with
 * the cluster's default count instead.
 */
@Tag("cluster")
class VdiCopiesIT {
    @TempDir
    Path work;

    @Test
    void theInodeAndTheDataOfAVdiLieOnItsOwnNumberOfCopies() throws Exception {
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(3).start()) {
            List<NodeInfo> members = cluster.awaitMembers(3);
            HashRing ring = Replicas.ring(members);
            for (int copies : new int[] {1, 2}) {
                VdiInfo vdi = cluster.client(0).create("copies-" + copies, 2L * ObjectLayout.OBJECT_SIZE, copies);
                assertThat(vdi.copies()).isEqualTo(copies);
                cluster.client(0).write(vdi.vid(), ObjectLayout.OBJECT_SIZE, Unpooled.wrappedBuffer(new byte[4096]),
                        false).get(30, TimeUnit.SECONDS);
                Map<Long, Set<Integer>> holders = Replicas.actual(cluster);
                for (long oid : List.of(ObjectId.inode(vdi.vid()), ObjectId.data(vdi.vid(), 1))) {
                    assertThat(holders.get(oid)).as("holders of %s (copies %d)", ObjectId.toString(oid), copies)
                            .hasSize(copies).isEqualTo(Replicas.expected(ring, oid, copies));
                }
            }
        }
    }
}
