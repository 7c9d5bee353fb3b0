package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.peer.PeerClient;
import io.sheepdog.daemon.testing.cluster.MiniCluster;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The VDI lifecycle against a model: random snapshots, writes, clones, rollbacks, resizes and deletes (of VDIs and
 * of snapshots), each through a random node of a 3-node cluster (copies 3), against an in-memory model of every
 * VDI's and snapshot's bytes and of which objects each owns. Every so often, and at the end, every VDI and snapshot
 * is read back whole through a random node; at the end the objects every node stores must be exactly the reachable
 * ones: each live entry's inode, the inodes of deleted snapshots that VDIs made from them still read, and each live
 * entry's data objects where its map points (nothing leaked, nothing lost).
 *
 * <p>{@code -Dsheepdog.random.seed=N} replays a run (the seed is printed first); {@code -Dsheepdog.random.ops=N}
 * sets the number of operations (default 250).
 */
@Tag("cluster")
class VdiLifecycleRandomIT {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final int NODES = 3;
    private static final int MAX_ENTRIES = 14;

    @TempDir
    Path work;

    /** One table entry of the model: a working VDI or a snapshot, its bytes and the owner of each object. */
    private static final class Entry {
        final String name;
        final int vid;
        int parent;
        int snapshotId;
        String tag = "";
        boolean deleted;
        byte[] bytes;
        int[] owners;

        Entry(String name, int vid, int parent, byte[] bytes, int[] owners) {
            this.name = name;
            this.vid = vid;
            this.parent = parent;
            this.bytes = bytes;
            this.owners = owners;
        }
    }

    private final Map<Integer, Entry> entries = new HashMap<>();
    private MiniCluster cluster;
    private Random random;
    private long seed;
    private int step;
    private int names;
    private int lastNode;

    @Test
    void randomLifecycleOperationsMatchTheModelAndLeaveExactlyTheReachableObjects() throws Exception {
        seed = Long.getLong("sheepdog.random.seed", System.nanoTime());
        int ops = Integer.getInteger("sheepdog.random.ops", 250);
        System.out.println("VdiLifecycleRandomIT seed " + seed + ", " + ops + " operations");
        random = new Random(seed);
        try (MiniCluster c = MiniCluster.builder(work).nodes(NODES).copies(3).start()) {
            cluster = c;
            create();
            for (step = 0; step < ops; step++) {
                randomOperation();
                if (step % 50 == 49) {
                    verifyAll();
                }
            }
            verifyAll();
            verifyStores();
        }
    }

    private void randomOperation() throws Exception {
        List<Entry> working = live(true);
        List<Entry> snaps = live(false);
        int r = random.nextInt(100);
        if (working.isEmpty() || (r < 5 && count() < MAX_ENTRIES)) {
            create();
        } else if (r < 45) {
            write(pick(working));
        } else if (r < 58 && count() < MAX_ENTRIES) {
            snapshot(pick(working));
        } else if (r < 66 && !snaps.isEmpty() && count() < MAX_ENTRIES) {
            cloneOf(pick(snaps));
        } else if (r < 74 && !snaps.isEmpty()) {
            Entry s = pick(snaps);
            Entry w = working(s.name);
            if (w != null) {
                rollback(w, s);
            }
        } else if (r < 82) {
            resize(pick(working));
        } else if (r < 88 && !snaps.isEmpty()) {
            deleteEntry(pick(snaps));
        } else if (r < 92 && working.size() > 1) {
            deleteEntry(pick(working));
        } else {
            Entry e = pick(random.nextBoolean() || snaps.isEmpty() ? working : snaps);
            verify(e);
        }
    }

    // ---- operations, each applied to the cluster and the model ----

    private void create() throws Exception {
        String name = "v" + names++;
        long size = (1 + random.nextInt(3)) * (long) OBJ - (random.nextBoolean() ? 512 : 0);
        VdiInfo v = node().create(name, size, 0);
        add(new Entry(name, v.vid(), 0, new byte[(int) size], new int[objects(size)]));
        trace("create size " + size, entries.get(v.vid()));
    }

    private void write(Entry w) throws Exception {
        int len = 1 + random.nextInt(random.nextInt(4) == 0 ? 2 * OBJ : 8192);
        len = Math.min(len, w.bytes.length);
        int at = random.nextInt(w.bytes.length - len + 1);
        byte[] data = new byte[len];
        random.nextBytes(data);
        ByteBuf b = Unpooled.wrappedBuffer(data);
        SheepClient n = node();
        trace("write " + at + "+" + len, w);
        try {
            n.write(w.vid, at, b, random.nextBoolean()).get(30, TimeUnit.SECONDS);
        } finally {
            b.release();
        }
        System.arraycopy(data, 0, w.bytes, at, len);
        for (int i = at / OBJ; i <= (at + len - 1) / OBJ; i++) {
            w.owners[i] = w.vid;
        }
    }

    private void snapshot(Entry w) throws Exception {
        String tag = random.nextBoolean() ? "t" + step : "";
        VdiInfo snap = node().snapshot(w.name, tag);
        trace("snapshot", w);
        VdiInfo next = node().lookup(w.name);
        assertThat(snap.vid()).as(what()).isEqualTo(w.vid);
        w.snapshotId = snap.snapshotId();
        w.tag = tag;
        add(new Entry(w.name, next.vid(), w.vid, w.bytes.clone(), w.owners.clone()));
    }

    private void cloneOf(Entry s) throws Exception {
        String name = "v" + names++;
        VdiInfo v = node().clone(s.name, ref(s), name);
        trace("clone to " + name, s);
        add(new Entry(name, v.vid(), s.vid, s.bytes.clone(), s.owners.clone()));
    }

    private void rollback(Entry w, Entry s) throws Exception {
        VdiInfo v = node().rollback(w.name, ref(s));
        trace("rollback to " + Integer.toHexString(s.vid) + ", new id " + Integer.toHexString(v.vid()), w);
        removeFromModel(w);
        add(new Entry(w.name, v.vid(), s.vid, s.bytes.clone(), s.owners.clone()));
    }

    private void resize(Entry w) throws Exception {
        long size = (1 + random.nextInt(3)) * (long) OBJ - random.nextInt(2) * 4096L;
        boolean force = size < w.bytes.length;
        node().resize(w.name, size, force);
        trace("resize to " + size, w);
        int keep = objects(size);
        byte[] bytes = Arrays.copyOf(w.bytes, (int) size);
        int[] owners = Arrays.copyOf(w.owners, keep);
        if (force && size % OBJ != 0 && w.owners[keep - 1] != 0) {
            // The daemon zeroes the cut-off tail of the last object: a copy-on-write if it was shared.
            owners[keep - 1] = w.vid;
        }
        w.bytes = bytes;
        w.owners = owners;
    }

    private void deleteEntry(Entry e) throws Exception {
        if (e.snapshotId == 0) {
            node().delete(e.name);
        } else {
            node().deleteSnapshot(e.name, ref(e));
        }
        trace("delete", e);
        removeFromModel(e);
    }

    /** The table's delete rule: hidden while others were made from it, else removed with childless hidden parents. */
    private void removeFromModel(Entry e) {
        if (hasChildren(e)) {
            e.deleted = true;
            return;
        }
        entries.remove(e.vid);
        Entry p = entries.get(e.parent);
        while (p != null && p.deleted && !hasChildren(p)) {
            entries.remove(p.vid);
            p = entries.get(p.parent);
        }
    }

    private boolean hasChildren(Entry e) {
        return entries.values().stream().anyMatch(o -> o.parent == e.vid);
    }

    // ---- checks ----

    private void verifyAll() throws Exception {
        for (Entry e : List.copyOf(entries.values())) {
            if (!e.deleted) {
                verify(e);
            }
        }
    }

    private void verify(Entry e) throws Exception {
        SheepClient n = node();
        for (int at = 0; at < e.bytes.length; at += OBJ) {
            int len = Math.min(OBJ, e.bytes.length - at);
            ByteBuf b = n.read(e.vid, at, len).get(30, TimeUnit.SECONDS);
            try {
                byte[] got = new byte[len];
                b.getBytes(b.readerIndex(), got);
                assertThat(got).as("%s: %s (id %x, snapshot %d) object %d", what(), e.name, e.vid, e.snapshotId,
                        at / OBJ).isEqualTo(Arrays.copyOfRange(e.bytes, at, at + len));
            } finally {
                b.release();
            }
        }
    }

    private void verifyStores() throws Exception {
        Set<Long> reachable = new TreeSet<>();
        for (Entry e : entries.values()) {
            reachable.add(ObjectId.inode(e.vid));
            if (!e.deleted) {
                for (int i = 0; i < e.owners.length; i++) {
                    if (e.owners[i] != 0) {
                        reachable.add(ObjectId.data(e.owners[i], i));
                    }
                }
            }
        }
        long epoch = cluster.client(0).info().epochs().get(0).epoch();
        for (int i = 0; i < NODES; i++) {
            PeerClient peer = new PeerClient(cluster.client(i));
            int node = i;
            // Objects a write stopped sharing with a deleted snapshot are freed in the background: wait for that.
            Poll.until("seed " + seed + ": node " + node + " stores exactly the reachable objects",
                    Duration.ofSeconds(30), whyNot -> {
                        Set<Long> stored = peer.listObjects(epoch).get(30, TimeUnit.SECONDS).stream()
                                .map(ObjectInfo::oid).collect(Collectors.toCollection(TreeSet::new));
                        if (stored.equals(reachable)) {
                            return Optional.of(stored);
                        }
                        whyNot.append("leaked ").append(hex(difference(stored, reachable))).append(", lost ")
                                .append(hex(difference(reachable, stored)));
                        return Optional.empty();
                    });
        }
    }

    private static Set<Long> difference(Set<Long> a, Set<Long> b) {
        Set<Long> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static List<String> hex(Set<Long> oids) {
        return oids.stream().map(ObjectId::toString).toList();
    }

    // ---- helpers ----

    private SheepClient node() throws Exception {
        lastNode = random.nextInt(NODES);
        return cluster.client(lastNode);
    }

    /** One line per operation, so that a failing seed's output shows the history that led to it. */
    private void trace(String op, Entry e) {
        System.out.printf("step %d: %s %s (id %x) via node %d%n", step, op, e.name, e.vid, lastNode);
    }

    private void add(Entry e) {
        entries.put(e.vid, e);
    }

    private List<Entry> live(boolean working) {
        List<Entry> l = new ArrayList<>();
        entries.values().stream().filter(e -> !e.deleted && (e.snapshotId == 0) == working)
                .sorted((a, b) -> Integer.compare(a.vid, b.vid)).forEach(l::add);
        return l;
    }

    private Entry working(String name) {
        return entries.values().stream().filter(e -> !e.deleted && e.snapshotId == 0 && e.name.equals(name))
                .findFirst().orElse(null);
    }

    private long count() {
        return entries.values().stream().filter(e -> !e.deleted).count();
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private SnapshotRef ref(Entry s) {
        return !s.tag.isEmpty() && random.nextBoolean() ? SnapshotRef.parse(s.tag)
                : SnapshotRef.parse(Integer.toString(s.snapshotId));
    }

    private static int objects(long size) {
        return (int) ((size + OBJ - 1) / OBJ);
    }

    private String what() {
        return "seed " + seed + " step " + step;
    }
}
