package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.peer.PeerClient;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Space comes back after deletes that a node missed (issue 12): three daemons, copies 3, so every node holds every
 * object. VDI {@code keep} (3 objects) is snapshotted and then overwrites its object 0 (copy-on-write); VDI
 * {@code gone} holds 2 objects. Node 2 is killed; snapshot 1 of {@code keep} is deleted (its object 0 is read by
 * nothing any more, objects 1 and 2 still are, through {@code keep}) and so is {@code gone} (its id is retired).
 * Node 2 comes back holding all the freed objects: it must drop them, not bring them back to the others, and every
 * node must then store exactly the reachable objects, with the space visible in {@code node info} (used bytes)
 * and in the stores' object directories on disk (what {@code df} sees), while {@code keep} still reads its bytes.
 */
@Tag("cluster")
class DeleteWhileNodeDownIT {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final int NODES = 3;
    /** The data freed by the deletes: the snapshot's object 0 and {@code gone}'s two objects. */
    private static final long FREED = 3L * OBJ;

    @TempDir
    Path work;

    @Test
    void aNodeDownDuringDeletesDropsWhatWasFreedAndSpaceComesBackEverywhere() throws Exception {
        Random random = new Random(12);
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(NODES).copies(3)
                .start()) {
            SheepClient c = cluster.client(0);
            int keep = c.create("keep", 3L * OBJ, 0).vid();
            byte[] old = new byte[3 * OBJ];
            random.nextBytes(old);
            write(c, keep, 0, old);
            int snapshot = c.snapshot("keep", "s1").vid();
            assertThat(snapshot).as("the working id becomes the snapshot").isEqualTo(keep);
            keep = c.lookup("keep").vid();
            byte[] fresh = Arrays.copyOf(old, old.length);
            byte[] first = new byte[OBJ];
            random.nextBytes(first);
            System.arraycopy(first, 0, fresh, 0, OBJ);
            write(c, keep, 0, first);
            int gone = c.create("gone", 2L * OBJ, 0).vid();
            byte[] doomed = new byte[2 * OBJ];
            random.nextBytes(doomed);
            write(c, gone, 0, doomed);
            c.flush(keep).get(30, TimeUnit.SECONDS);

            Set<Long> before = Set.of(ObjectId.inode(snapshot), ObjectId.data(snapshot, 0),
                    ObjectId.data(snapshot, 1), ObjectId.data(snapshot, 2), ObjectId.inode(keep),
                    ObjectId.data(keep, 0), ObjectId.inode(gone), ObjectId.data(gone, 0), ObjectId.data(gone, 1));
            long epoch = cluster.awaitEpoch(1);
            awaitStored(cluster, 2, epoch, before);
            long usedBefore = used(cluster, 2);
            long diskBefore = objectDirBytes(cluster.storeDir(2));

            cluster.kill9(2);
            cluster.awaitMembers(NODES - 1);
            long without = cluster.awaitEpoch(epoch + 1);
            c.deleteSnapshot("keep", SnapshotRef.parse("s1"));
            c.delete("gone");
            Set<Long> reachable = Set.of(ObjectId.inode(snapshot), ObjectId.data(snapshot, 1),
                    ObjectId.data(snapshot, 2), ObjectId.inode(keep), ObjectId.data(keep, 0));
            for (int i = 0; i < NODES - 1; i++) {
                awaitStored(cluster, i, without, reachable);
            }

            cluster.restart(2);
            cluster.awaitMembers(NODES);
            long back = cluster.awaitEpoch(without + 1);
            cluster.awaitRecovered(back);
            for (int i = 0; i < NODES; i++) {
                awaitStored(cluster, i, back, reachable);
            }
            Poll.until("node info of node 2 shows the freed space", Duration.ofSeconds(60), whyNot -> {
                long now = used(cluster, 2);
                whyNot.append("used ").append(now).append(" bytes, ").append(usedBefore).append(" before");
                return usedBefore - now >= FREED ? Optional.of(now) : Optional.empty();
            });
            assertThat(diskBefore - objectDirBytes(cluster.storeDir(2)))
                    .as("bytes of node 2's object directory freed on disk").isGreaterThanOrEqualTo(FREED);
            for (int i = 0; i < NODES; i++) {
                assertThat(Arrays.mismatch(read(cluster.client(i), keep, fresh.length), fresh))
                        .as("first wrong byte of keep through node %d (-1: none)", i).isEqualTo(-1);
            }
        }
    }

    private static void write(SheepClient c, int vid, long offset, byte[] data) throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            c.write(vid, offset, buf, true).get(30, TimeUnit.SECONDS);
        } finally {
            buf.release();
        }
    }

    private static byte[] read(SheepClient c, int vid, int length) throws Exception {
        byte[] out = new byte[length];
        for (int at = 0; at < length; at += OBJ) {
            ByteBuf b = c.read(vid, at, Math.min(OBJ, length - at)).get(30, TimeUnit.SECONDS);
            try {
                b.getBytes(0, out, at, b.readableBytes());
            } finally {
                b.release();
            }
        }
        return out;
    }

    private static void awaitStored(ProcessCluster cluster, int node, long epoch, Set<Long> expected) {
        Set<Long> want = new TreeSet<>(expected);
        Poll.until("node " + node + " stores exactly " + hex(want), Duration.ofSeconds(60), whyNot -> {
            Set<Long> stored = new PeerClient(cluster.client(node)).listObjects(epoch).get(30, TimeUnit.SECONDS)
                    .stream().map(ObjectInfo::oid).collect(Collectors.toCollection(TreeSet::new));
            whyNot.append("it stores ").append(hex(stored));
            return stored.equals(want) ? Optional.of(stored) : Optional.empty();
        });
    }

    private static long used(ProcessCluster cluster, int node) throws Exception {
        String host = cluster.endpoint(node).host();
        int port = cluster.endpoint(node).port();
        List<NodeInfo> nodes = cluster.client(node).nodes();
        return nodes.stream().filter(n -> n.host().equals(host) && n.port() == port).findFirst().orElseThrow()
                .usedBytes();
    }

    /** Disk space of the store's object files, as {@code du} (and so {@code df}) counts it. */
    private static long objectDirBytes(Path store) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-s", "-B1", store.resolve("obj").toString()).redirectErrorStream(true)
                .start();
        String out = new String(du.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(du.waitFor(30, TimeUnit.SECONDS)).as("du finished").isTrue();
        assertThat(du.exitValue()).as("du: %s", out).isZero();
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    private static List<String> hex(Set<Long> oids) {
        return oids.stream().map(ObjectId::toString).toList();
    }
}
