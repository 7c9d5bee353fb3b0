package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.Replicas;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five daemon processes in zones {0, 0, 1, 1, 2}, copies = 2: after writing a block into each of 32 objects (through
 * every node in turn, as gateway), every object is stored on exactly two nodes, in two different zones, exactly the
 * two the placement ring picks; and each block reads back through a node other than the one that wrote it.
 */
@Tag("cluster")
class ZonePlacementIT {
    private static final int[] ZONES = {0, 0, 1, 1, 2};
    private static final int OBJECTS = 32;
    private static final int BLOCK = 4096;

    @TempDir
    Path work;

    @Test
    void noTwoCopiesShareAZoneAndEveryCopyIsWhereTheRingPutsIt() throws Exception {
        long seed = System.nanoTime();
        System.out.println("random seed " + seed);
        Random random = new Random(seed);
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(5).copies(2).zones(ZONES).start()) {
            VdiInfo vdi = cluster.client(0).create("zoned", (long) OBJECTS * ObjectLayout.OBJECT_SIZE, 0);
            cluster.awaitVdi("zoned");
            byte[][] blocks = new byte[OBJECTS][BLOCK];
            for (int i = 0; i < OBJECTS; i++) {
                random.nextBytes(blocks[i]);
                long offset = (long) i * ObjectLayout.OBJECT_SIZE + random.nextInt(ObjectLayout.OBJECT_SIZE / BLOCK)
                        * BLOCK;
                cluster.client(i % 5).write(vdi.vid(), offset, Unpooled.wrappedBuffer(blocks[i]), false)
                        .get(30, TimeUnit.SECONDS);
                ByteBuf back = cluster.client((i + 2) % 5).read(vdi.vid(), offset, BLOCK).get(30, TimeUnit.SECONDS);
                try {
                    assertThat(ByteBufUtil.getBytes(back)).as("object %d read through node %d", i, (i + 2) % 5)
                            .isEqualTo(blocks[i]);
                } finally {
                    back.release();
                }
            }

            List<NodeInfo> members = cluster.awaitMembers(5);
            Map<Integer, Integer> zoneOfPort = new HashMap<>();
            for (NodeInfo m : members) {
                zoneOfPort.put(m.port(), m.zone());
            }
            for (int i = 0; i < 5; i++) {
                assertThat(zoneOfPort).as("zone of node %d", i).containsEntry(cluster.endpoint(i).port(), ZONES[i]);
            }
            Map<Long, Set<Integer>> holders = Replicas.actual(cluster);
            assertThat(holders).as("objects in the stores").hasSize(OBJECTS + 1)
                    .containsKey(ObjectId.inode(vdi.vid()));
            holders.forEach((oid, ports) -> {
                assertThat(ports).as("nodes holding %s", ObjectId.toString(oid)).hasSize(2);
                assertThat(ports.stream().map(zoneOfPort::get).distinct())
                        .as("zones of the copies of %s on %s", ObjectId.toString(oid), ports).hasSize(2);
            });
            assertThat(Replicas.misplaced(cluster, members, 2)).as("objects not on their ring replicas").isEmpty();
        }
    }
}
