package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.nbd.testutil.NbdTestClient;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot taken while a client writes through NBD is crash-consistent: on a 3-node cluster (copies 3) a client
 * writes block after block through node 0, each into an object of its own (so every write allocates an object and
 * changes the map the snapshot copies), while node 1 takes snapshots. Every write acknowledged is in the working
 * VDI afterwards, and every snapshot is a prefix of the writes: it holds every write acknowledged before the snapshot
 * began and none issued after it returned.
 */
@Tag("cluster")
class SnapshotUnderWriterIT {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final int BLOCKS = 48;
    private static final int BLOCK = 4096;

    @TempDir
    Path work;

    @Test
    void snapshotsDuringWritesHoldAPrefixAndTheVdiLosesNoAcknowledgedWrite() throws Exception {
        try (MiniCluster cluster = MiniCluster.builder(work).nodes(3).copies(3).start()) {
            for (int round = 0; round < 3; round++) {
                String name = "busy" + round;
                cluster.client(0).create(name, (long) BLOCKS * OBJ, 0);
                cluster.awaitVdi(name);
                runRound(cluster, name);
            }
        }
    }

    private void runRound(MiniCluster cluster, String name) throws Exception {
        AtomicInteger acked = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (NbdTestClient nbd = NbdTestClient.connect(cluster.endpoint(0).nbdPort(), name, true, true)) {
                for (int k = 0; k < BLOCKS && !stop.get(); k++) {
                    NbdTestClient.Reply r = nbd.call(NbdTestClient.CMD_WRITE, 0, (long) k * OBJ, BLOCK, block(k));
                    assertThat(r.error()).as("write %d", k).isZero();
                    acked.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        SheepClient admin = cluster.client(1);
        int[] before = new int[2];
        int[] after = new int[2];
        VdiInfo[] snaps = new VdiInfo[2];
        for (int s = 0; s < 2; s++) {
            while (acked.get() < 8 + 16 * s && !writer.isDone()) {
                Thread.onSpinWait();
            }
            before[s] = acked.get();
            snaps[s] = admin.snapshot(name, "");
            after[s] = acked.get() + 1; // at most one more write was issued (one at a time) before it returned
        }
        writer.get(60, TimeUnit.SECONDS);
        stop.set(true);
        int total = acked.get();

        SheepClient reader = cluster.client(2);
        VdiInfo working = reader.lookup(name);
        for (int k = 0; k < total; k++) {
            assertThat(fill(read(reader, working.vid(), k))).as("%s: acknowledged write %d in the working VDI",
                    name, k).isEqualTo(k + 1);
        }
        for (int s = 0; s < 2; s++) {
            int prefix = 0;
            while (prefix < BLOCKS && fill(read(reader, snaps[s].vid(), prefix)) == prefix + 1) {
                prefix++;
            }
            for (int k = prefix; k < BLOCKS; k++) {
                assertThat(fill(read(reader, snaps[s].vid(), k))).as("%s snapshot %d: block %d past its prefix of %d",
                        name, s + 1, k, prefix).isZero();
            }
            assertThat(prefix).as("%s snapshot %d holds what was acknowledged before it (%d) and nothing issued "
                    + "after it returned (%d)", name, s + 1, before[s], after[s]).isBetween(before[s], after[s]);
        }
    }

    private static byte[] read(SheepClient c, int vid, int k) throws Exception {
        ByteBuf b = c.read(vid, (long) k * OBJ, BLOCK).get(30, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[BLOCK];
            b.getBytes(b.readerIndex(), out);
            return out;
        } finally {
            b.release();
        }
    }

    /** The byte a block is filled with, or -1 if it holds more than one value. */
    private static int fill(byte[] b) {
        for (byte x : b) {
            if (x != b[0]) {
                return -1;
            }
        }
        return b[0] & 0xff;
    }

    private static byte[] block(int k) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) (k + 1));
        return b;
    }
}
