package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.nbd.testutil.NbdTestClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VDI created through one node is there at once on every other node: no wait between {@code collie vdi create}
 * answering on one node and an NBD open, {@code vdi lookup}, {@code vdi list} or a read by id on another. The other nodes apply
 * the metadata commit a moment after the creating node answered, so a node that misses a name first makes sure it
 * applied everything committed (a read barrier) and looks again.
 */
@Tag("cluster")
class CreateThenOpenIT {
    private static final int ROUNDS = 30;
    private static final long SIZE = 16 << 20;

    @TempDir
    Path work;

    @Test
    void aVdiCreatedThroughOneNodeOpensAtOnceThroughTheOthers() throws Exception {
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(2).start()) {
            for (int round = 0; round < ROUNDS; round++) {
                String name = "race-" + round;
                // Every node creates in turn; of the two others, one is asked over NBD, the other over the sheep protocol.
                int creator = round % 3;
                int nbdNode = (round + 1) % 3;
                int collieNode = (round + 2) % 3;
                VdiInfo created = cluster.client(creator).create(name, SIZE, 0);

                try (NbdTestClient nbd = NbdTestClient.connect(cluster.endpoint(nbdNode).nbdPort(), name, false,
                        false)) {
                    assertThat(nbd.size()).as("size of export %s on node %d", name, nbdNode).isEqualTo(SIZE);
                }
                switch ((round / 3) % 3) {
                    case 0 -> assertThat(cluster.client(collieNode).lookup(name).vid())
                            .as("lookup of %s on node %d", name, collieNode).isEqualTo(created.vid());
                    case 1 -> assertThat(cluster.client(collieNode).list()).extracting(VdiInfo::name)
                            .as("list on node %d", collieNode).contains(name);
                    default -> {
                        // By id, as collie vdi read does once it has the id (from the creating node, say).
                        ByteBuf data = cluster.client(collieNode).read(created.vid(), 0, 4096)
                                .get(30, TimeUnit.SECONDS);
                        try {
                            assertThat(ByteBufUtil.getBytes(data)).as("read of %s on node %d", name, collieNode)
                                    .containsOnly(0);
                        } finally {
                            data.release();
                        }
                    }
                }
            }
        }
    }
}
