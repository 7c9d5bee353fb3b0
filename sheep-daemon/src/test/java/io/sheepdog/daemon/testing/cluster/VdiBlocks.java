package io.sheepdog.daemon.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sheepdog.store.ObjectLayout;
import java.util.concurrent.TimeUnit;

/** Checks on data written as one block at the start of each object of a VDI (block i at object i). */
public final class VdiBlocks {
    private VdiBlocks() {
    }

    /** Reads every block back through {@code node} and asserts it holds what was written. */
    public static void assertReadsBack(TestCluster cluster, int node, int vid, byte[][] blocks) throws Exception {
        for (int i = 0; i < blocks.length; i++) {
            ByteBuf back = cluster.client(node).read(vid, (long) i * ObjectLayout.OBJECT_SIZE, blocks[i].length)
                    .get(60, TimeUnit.SECONDS);
            try {
                assertThat(ByteBufUtil.getBytes(back)).as("object %d through node %d", i, node).isEqualTo(blocks[i]);
            } finally {
                back.release();
            }
        }
    }
}
