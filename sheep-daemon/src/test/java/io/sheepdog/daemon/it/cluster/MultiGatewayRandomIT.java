package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.nbd.testutil.NbdTestClient;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of random operations on one VDI, each through a random node of a 3-node cluster (copies 3), each read
 * checked against an in-memory model of the disk: writes, partial and whole-object trims, write-zeroes with and
 * without NO_HOLE, flushes, reads and block status, with a node stopped and started again now and then (its
 * operations then go to the others while it is away). Every node keeps its own copy of the VDI's object map, so a
 * read through one node after another dropped or created objects checks the map coherence rule
 * (docs/architecture.md, "Map coherence between gateways"). The VDI is small (eight objects) so operations meet on
 * the same objects often.
 *
 * <p>{@code -Dsheepdog.random.seed=N} replays a run (the seed is printed first); {@code -Dsheepdog.random.ops=N}
 * sets the number of operations (default 3000).
 */
@Tag("cluster")
@Tag("slow")
class MultiGatewayRandomIT {
    private static final String VDI = "multipath";
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final int SIZE = 8 * OBJ;
    private static final int SECTOR = 512;
    private static final int NODES = 3;
    /** Operations between two node restarts. */
    private static final int RESTART_EVERY = 700;
    /** Operations while the restarted node is away. */
    private static final int AWAY_FOR = 100;

    @TempDir
    Path work;

    private final byte[] model = new byte[SIZE];
    private final NbdTestClient[] clients = new NbdTestClient[NODES];
    private MiniCluster cluster;
    private Random random;
    private long seed;
    private int step;

    @Test
    void randomOperationsThroughRandomNodesMatchTheModel() throws Exception {
        seed = Long.getLong("sheepdog.random.seed", System.nanoTime());
        int ops = Integer.getInteger("sheepdog.random.ops", 3000);
        System.out.println("MultiGatewayRandomIT seed " + seed + ", " + ops + " operations");
        random = new Random(seed);
        try (MiniCluster c = MiniCluster.builder(work).nodes(NODES).copies(3).start()) {
            cluster = c;
            cluster.client(0).create(VDI, SIZE, 0);
            cluster.awaitVdi(VDI);
            // One client writing through every node at once: the multipath setup shared mode exists for.
            cluster.client(0).setShared(VDI, true);
            for (int i = 0; i < NODES; i++) {
                connect(i);
            }
            int away = -1;
            for (step = 0; step < ops; step++) {
                if (step % RESTART_EVERY == RESTART_EVERY - 1) {
                    away = random.nextInt(NODES);
                    stop(away);
                } else if (away >= 0 && step % RESTART_EVERY == AWAY_FOR) {
                    start(away);
                    away = -1;
                }
                randomOperation(running(away));
            }
            if (away >= 0) {
                start(away);
            }
            for (int i = 0; i < NODES; i++) {
                for (int at = 0; at < SIZE; at += OBJ) {
                    assertThat(read(i, at, OBJ)).as("seed %d: object %d through node %d at the end", seed,
                            at / OBJ, i).isEqualTo(Arrays.copyOfRange(model, at, at + OBJ));
                }
            }
        } finally {
            for (NbdTestClient client : clients) {
                if (client != null) {
                    client.close();
                }
            }
        }
    }

    /** A running node at random: any but {@code away}. */
    private int running(int away) {
        int node;
        do {
            node = random.nextInt(NODES);
        } while (node == away);
        return node;
    }

    private void randomOperation(int node) throws Exception {
        int kind = random.nextInt(20);
        if (kind < 6) {
            byte[] data = new byte[length()];
            random.nextBytes(data);
            int at = offset(data.length);
            expectOk(node, NbdTestClient.CMD_WRITE, random.nextInt(4) == 0 ? NbdTestClient.FLAG_FUA : 0, at,
                    data.length, data);
            System.arraycopy(data, 0, model, at, data.length);
        } else if (kind < 8) {
            zeroes(node, NbdTestClient.CMD_TRIM, 0);
        } else if (kind < 10) {
            zeroes(node, NbdTestClient.CMD_WRITE_ZEROES, random.nextBoolean() ? NbdTestClient.FLAG_NO_HOLE : 0);
        } else if (kind < 11) {
            expectOk(node, NbdTestClient.CMD_FLUSH, 0, 0, 0, null);
        } else if (kind < 13) {
            blockStatus(node);
        } else {
            int len = length();
            int at = offset(len);
            assertThat(read(node, at, len)).as("seed %d step %d: read %d+%d through node %d", seed, step, at, len,
                    node).isEqualTo(Arrays.copyOfRange(model, at, at + len));
        }
    }

    /** A trim or write-zeroes of a random range; whole objects half of the time (where gateways' maps part). */
    private void zeroes(int node, int type, int flags) throws Exception {
        int len;
        int at;
        if (random.nextBoolean()) {
            len = OBJ * (1 + random.nextInt(2));
            at = OBJ * random.nextInt(SIZE / OBJ - len / OBJ + 1);
        } else {
            len = length();
            at = offset(len);
        }
        expectOk(node, type, flags | (random.nextInt(4) == 0 ? NbdTestClient.FLAG_FUA : 0), at, len, null);
        Arrays.fill(model, at, at + len, (byte) 0);
    }

    /** Block status: every extent the node reports as reading zeroes must be zeroes in the model. */
    private void blockStatus(int node) throws Exception {
        int len = OBJ * (1 + random.nextInt(3));
        int at = offset(len);
        NbdTestClient.Reply r = expectOk(node, NbdTestClient.CMD_BLOCK_STATUS, 0, at, len, null);
        long p = at;
        for (long[] extent : r.extents()) {
            long end = Math.min(at + len, p + extent[0]);
            if ((extent[1] & 2) != 0) {
                for (long i = p; i < end; i++) {
                    if (model[(int) i] != 0) {
                        throw new AssertionError("seed " + seed + " step " + step + ": node " + node
                                + " reports bytes " + p + "-" + end + " as zero, but byte " + i + " is not");
                    }
                }
            }
            p += extent[0];
        }
        assertThat(p).as("block status covers at least one byte").isGreaterThan(at);
    }

    /** Mostly small (sectors to 64 KiB), sometimes up to a whole object. */
    private int length() {
        int sectors = random.nextInt(10) == 0 ? 1 + random.nextInt(OBJ / SECTOR) : 1 + random.nextInt(128);
        return sectors * SECTOR;
    }

    private int offset(int len) {
        return SECTOR * random.nextInt((SIZE - len) / SECTOR + 1);
    }

    private byte[] read(int node, int at, int len) throws Exception {
        return expectOk(node, NbdTestClient.CMD_READ, 0, at, len, null).data();
    }

    private NbdTestClient.Reply expectOk(int node, int type, int flags, long at, long len, byte[] data)
            throws Exception {
        if (Boolean.getBoolean("sheepdog.random.trace")) {
            System.out.println("step " + step + ": node " + node + " cmd " + type + " flags " + flags + " " + at + "+"
                    + len);
        }
        NbdTestClient.Reply r = clients[node].call(type, flags, at, len, data);
        assertThat(r.error()).as("seed %d step %d: NBD command %d at %d+%d through node %d", seed, step, type, at,
                len, node).isZero();
        return r;
    }

    private void stop(int node) throws Exception {
        System.out.println("step " + step + ": stopping node " + node);
        clients[node].close();
        clients[node] = null;
        long epoch = cluster.awaitEpoch(1);
        cluster.stop(node);
        cluster.awaitMembers(NODES - 1);
        cluster.awaitEpoch(epoch + 1);
    }

    private void start(int node) throws Exception {
        System.out.println("step " + step + ": starting node " + node);
        long epoch = cluster.awaitEpoch(1);
        cluster.start(node);
        cluster.awaitMembers(NODES);
        cluster.awaitRecovered(cluster.awaitEpoch(epoch + 1));
        connect(node);
    }

    private void connect(int node) throws Exception {
        clients[node] = NbdTestClient.connect(cluster.endpoint(node).nbdPort(), VDI, true, true);
    }
}
