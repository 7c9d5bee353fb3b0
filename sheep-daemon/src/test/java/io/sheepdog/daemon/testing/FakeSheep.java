package io.sheepdog.daemon.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.RefusedNode;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.vdi.VdiIds;
import io.sheepdog.daemon.vdi.VdiRules;
import io.sheepdog.membership.Fnv1a;
import io.sheepdog.membership.meta.Redundancy;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * An in-memory sheep: the semantics of {@link ClusterOps} and {@link VdiOps} over maps, with VDI data kept sparsely in
 * 4 MiB objects so that large thin VDIs cost nothing until written. Result codes are those a real daemon returns
 * (NOT_FORMATTED, ALREADY_FORMATTED, VDI_EXISTS, NO_VDI, INVALID_PARAMS). I/O completes before returning. Thread-safe.
 *
 * <p>The VDI rules are the daemon's own code: names, sizes and copies are checked by {@link VdiRules}, ids come from
 * {@link VdiIds} (FNV-1a of the name, 24 bits, probing on collision) and the ids of deleted VDIs are retired, as the
 * replicated VDI table retires them. {@code VdiOpsContract} runs the same tests against this and the real
 * {@code VdiService}, messages included (they come from {@code VdiRules}), so collie tests assert what a user of a
 * real daemon reads.
 */
public final class FakeSheep implements ClusterOps, VdiOps {

    private static final int OBJECT_SIZE = ObjectLayout.OBJECT_SIZE;

    private final Clock clock;
    private List<NodeInfo> nodes;
    private List<RefusedNode> refusals = List.of();
    private boolean formatted;
    private long createdMillis;
    private Redundancy defaultRedundancy;
    private boolean strict;
    private final List<EpochInfo> epochs = new ArrayList<>();
    private List<String> waitingFor = List.of();
    private int shutdowns;
    private final TreeMap<String, Vdi> byName = new TreeMap<>();
    private final Map<Integer, Vdi> byVid = new HashMap<>();
    /** Numbers of deleted snapshots by name: never given again, as the daemon numbers on past them. */
    private final Map<String, Set<Integer>> hiddenSnapshotIds = new HashMap<>();
    /** Ids of deleted VDIs, never given again (until a format). */
    private final Set<Integer> retiredVids = new HashSet<>();
    private long flushes;
    private long fuaWrites;
    private final Map<Long, ObjectCheck> checkResults = new HashMap<>();
    private final List<Long> checked = new ArrayList<>();
    /** The write locks and shared VDIs, by name, as the tests set them. */
    private final TreeMap<String, VdiLockInfo> locks = new TreeMap<>();

    /**
     * A VDI: its metadata and its written objects by index, with the VDI that owns each. A snapshot or clone shares
     * its parent's arrays, and the first write to a shared object copies it (copy-on-write, as the daemon does).
     */
    private static final class Vdi {
        VdiInfo info;
        boolean clone;
        final Map<Long, byte[]> objects = new HashMap<>();
        final Map<Long, Integer> owners = new HashMap<>();

        Vdi(VdiInfo info) {
            this.info = info;
        }

        /** A new VDI reading every object where {@code parent} does. */
        static Vdi childOf(Vdi parent, VdiInfo info) {
            Vdi child = new Vdi(info);
            child.clone = parent.clone || !parent.info.name().equals(info.name());
            child.objects.putAll(parent.objects);
            child.owners.putAll(parent.owners);
            return child;
        }

        long owned() {
            return owners.values().stream().filter(v -> v == info.vid()).count();
        }
    }

    /** One self node at 127.0.0.1:7000, the system clock. */
    public FakeSheep() {
        this(Clock.systemUTC());
    }

    public FakeSheep(Clock clock) {
        this.clock = clock;
        this.nodes = List.of(node("127.0.0.1", 7000, 0, true));
    }

    /** A node with 128 vnodes, 100 GiB capacity and 1 GiB used. */
    public static NodeInfo node(String host, int port, int zone, boolean self) {
        long capacity = 100L << 30;
        long used = 1L << 30;
        return new NodeInfo(nodeId(host, port), host, port, port + 3809, 128, zone, capacity, used,
                capacity - used, self);
    }

    /** FNV-1a over "host:port", as NodeInfo's id. */
    public static long nodeId(String host, int port) {
        return Fnv1a.hash((host + ":" + port).getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the nodes reported as refused at join. */
    public synchronized FakeSheep setRefusals(List<RefusedNode> refused) {
        this.refusals = List.copyOf(refused);
        return this;
    }

    @Override
    public synchronized List<RefusedNode> refusals() {
        return refusals;
    }

    /** Replaces the member list (exactly one should be {@code self}). */
    public synchronized FakeSheep setNodes(List<NodeInfo> members) {
        this.nodes = List.copyOf(members);
        return this;
    }

    @Override
    public synchronized void format(int copies, boolean strictMode, boolean force) throws SheepException {
        Redundancy redundancy = VdiRules.redundancy(copies);
        if (formatted && !force) {
            throw new SheepException(ResultCode.ALREADY_FORMATTED,
                    "the cluster is formatted already; use --force to format it again");
        }
        formatted = true;
        createdMillis = clock.millis();
        defaultRedundancy = redundancy;
        strict = strictMode;
        byName.clear();
        byVid.clear();
        hiddenSnapshotIds.clear();
        retiredVids.clear();
        epochs.clear();
        epochs.add(new EpochInfo(1, createdMillis, nodes.stream().map(n -> n.host() + ":" + n.port()).toList()));
    }

    @Override
    public synchronized ClusterInfo info() {
        String status = !formatted ? "waiting for format" : !waitingFor.isEmpty() ? "waiting for nodes" : "running";
        List<String> notes = waitingFor.isEmpty() ? List.of()
                : List.of("Waiting for other nodes to join cluster: " + waitingFor);
        return new ClusterInfo(status, formatted, formatted ? createdMillis : 0,
                formatted ? defaultRedundancy.copies() : 0, strict, List.copyOf(epochs), notes);
    }

    /** Makes the (formatted) cluster a restarted one that waits for these nodes ("host:port") of its last epoch. */
    public synchronized FakeSheep waitFor(List<String> missing) {
        this.waitingFor = List.copyOf(missing);
        return this;
    }

    /** How often {@link #shutdown()} was called. */
    public synchronized int shutdowns() {
        return shutdowns;
    }

    /** Records the request; the fake itself keeps answering (a real daemon stops). */
    @Override
    public synchronized void shutdown() throws SheepException {
        checkFormatted();
        shutdowns++;
    }

    /** While {@link #waitFor waiting}, starts an epoch with the members that are not waited for. */
    @Override
    public synchronized EpochInfo recoverForce() throws SheepException {
        checkFormatted();
        if (waitingFor.isEmpty()) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "the cluster is running in epoch " + epochs.size()
                    + ": 'recover force' is only for a restarted cluster waiting for nodes");
        }
        EpochInfo e = new EpochInfo(epochs.size() + 1, clock.millis(), nodes.stream().map(n -> n.host() + ":"
                + n.port()).filter(n -> !waitingFor.contains(n)).toList());
        epochs.add(0, e);
        waitingFor = List.of();
        return e;
    }

    @Override
    public synchronized List<NodeInfo> nodes() {
        return nodes;
    }

    @Override
    public synchronized VdiInfo create(String name, long size, int copies) throws SheepException {
        checkFormatted();
        VdiRules.checkName(name);
        VdiRules.checkSize(size);
        Redundancy redundancy = copies == 0 ? defaultRedundancy : VdiRules.redundancy(copies);
        if (byName.containsKey(name)) {
            throw VdiRules.exists(name);
        }
        int vid = allocate(name);
        VdiInfo info = new VdiInfo(name, vid, size, 0, 0, clock.millis(), redundancy.copies(), 0, "", 0);
        Vdi vdi = new Vdi(info);
        byName.put(name, vdi);
        byVid.put(vid, vdi);
        return info;
    }

    @Override
    public synchronized List<VdiInfo> list() throws SheepException {
        checkFormatted();
        return byVid.values().stream().sorted(Comparator.comparing((Vdi v) -> v.info.name())
                .thenComparingInt(v -> v.info.snapshotId())).map(FakeSheep::withUsage).toList();
    }

    @Override
    public synchronized VdiInfo lookup(String name) throws SheepException {
        return withUsage(vdi(name));
    }

    @Override
    public synchronized void delete(String name) throws SheepException {
        Vdi vdi = vdi(name);
        byName.remove(name);
        byVid.remove(vdi.info.vid());
        retiredVids.add(vdi.info.vid());
    }

    @Override
    public synchronized void deleteSnapshot(String name, SnapshotRef snapshot) throws SheepException {
        Vdi snap = snapshot(name, snapshot);
        // The VDIs made from it keep the arrays they share; its id is never given again (the daemon keeps it hidden
        // while they read it, and retires it after).
        byVid.remove(snap.info.vid());
        retiredVids.add(snap.info.vid());
        hiddenSnapshotIds.computeIfAbsent(name, n -> new HashSet<>()).add(snap.info.snapshotId());
    }

    @Override
    public synchronized VdiInfo snapshot(String name, String tag) throws SheepException {
        VdiRules.checkTag(tag);
        Vdi working = vdi(name);
        if (!tag.isEmpty() && snapshots(name).anyMatch(v -> v.info.tag().equals(tag))) {
            throw new SheepException(ResultCode.VDI_EXISTS, "VDI " + name + " already has a snapshot tagged " + tag);
        }
        int number = Math.max(snapshots(name).mapToInt(v -> v.info.snapshotId()).max().orElse(0),
                hiddenSnapshotIds.getOrDefault(name, Set.of()).stream().mapToInt(i -> i).max().orElse(0)) + 1;
        VdiInfo w = working.info;
        working.info = new VdiInfo(name, w.vid(), w.size(), 0, 0, w.createdMillis(), w.copies(), number, tag,
                w.parentVid());
        Vdi child = Vdi.childOf(working, new VdiInfo(name, allocate(name), w.size(), 0, 0, clock.millis(),
                w.copies(), 0, "", w.vid()));
        byName.put(name, child);
        byVid.put(child.info.vid(), child);
        return withUsage(working);
    }

    @Override
    public synchronized VdiInfo clone(String source, SnapshotRef snapshot, String name) throws SheepException {
        checkFormatted();
        VdiRules.checkName(name);
        if (byName.containsKey(name)) {
            throw VdiRules.exists(name);
        }
        Vdi parent = snapshot(source, snapshot);
        VdiInfo p = parent.info;
        Vdi clone = Vdi.childOf(parent, new VdiInfo(name, allocate(name), p.size(), 0, 0, clock.millis(),
                p.copies(), 0, "", p.vid()));
        byName.put(name, clone);
        byVid.put(clone.info.vid(), clone);
        return withUsage(clone);
    }

    @Override
    public synchronized VdiInfo rollback(String name, SnapshotRef snapshot) throws SheepException {
        Vdi working = vdi(name);
        Vdi target = snapshot(name, snapshot);
        VdiInfo t = target.info;
        Vdi child = Vdi.childOf(target, new VdiInfo(name, allocate(name), t.size(), 0, 0, clock.millis(),
                working.info.copies(), 0, "", t.vid()));
        byVid.remove(working.info.vid());
        retiredVids.add(working.info.vid());
        byName.put(name, child);
        byVid.put(child.info.vid(), child);
        return withUsage(child);
    }

    @Override
    public synchronized VdiInfo flatten(String name) throws SheepException {
        Vdi vdi = vdi(name);
        VdiInfo i = vdi.info;
        for (Map.Entry<Long, Integer> o : vdi.owners.entrySet()) {
            if (o.getValue() != i.vid()) {
                vdi.objects.put(o.getKey(), vdi.objects.get(o.getKey()).clone());
                o.setValue(i.vid());
            }
        }
        vdi.clone = false;
        vdi.info = new VdiInfo(name, i.vid(), i.size(), 0, 0, i.createdMillis(), i.copies(), 0, "", 0);
        return withUsage(vdi);
    }

    @Override
    public synchronized VdiInfo resize(String name, long size, boolean force) throws SheepException {
        Vdi vdi = vdi(name);
        VdiRules.checkSize(size);
        VdiInfo i = vdi.info;
        if (size < i.size()) {
            if (!force) {
                throw new SheepException(ResultCode.INVALID_PARAMS, "shrinking VDI " + name + " from " + i.size()
                        + " to " + size + " bytes drops its data past " + size + " bytes; add --force to do it");
            }
            int tail = (int) (Math.min(i.size(), (size / OBJECT_SIZE + 1) * OBJECT_SIZE) - size);
            if (size % OBJECT_SIZE != 0 && vdi.objects.containsKey(size / OBJECT_SIZE)) {
                copy(vdi, size, new byte[tail], tail, true); // a later grow reads zeroes there
            }
            long keep = (size + OBJECT_SIZE - 1) / OBJECT_SIZE;
            vdi.objects.keySet().removeIf(index -> index >= keep);
            vdi.owners.keySet().removeIf(index -> index >= keep);
        }
        vdi.info = new VdiInfo(name, i.vid(), size, 0, 0, i.createdMillis(), i.copies(), 0, "", i.parentVid());
        return withUsage(vdi);
    }

    private Stream<Vdi> snapshots(String name) {
        return byVid.values().stream().filter(v -> v.info.snapshotId() != 0 && v.info.name().equals(name));
    }

    private Vdi snapshot(String name, SnapshotRef ref) throws SheepException {
        checkFormatted();
        return snapshots(name).filter(v -> ref.tag().isEmpty() ? v.info.snapshotId() == ref.id()
                : v.info.tag().equals(ref.tag())).findFirst().orElseThrow(() -> new SheepException(ResultCode.NO_VDI,
                byName.containsKey(name) || snapshots(name).findAny().isPresent()
                        ? "VDI " + name + " has no snapshot " + ref : "VDI " + name + " does not exist"));
    }

    private int allocate(String name) throws SheepException {
        return VdiIds.allocate(name, v -> byVid.containsKey(v) || retiredVids.contains(v)).orElseThrow(() ->
                new SheepException(ResultCode.FULL_VDI, "no free VDI id is left"));
    }

    @Override
    public synchronized CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        try {
            Vdi vdi = vdi(vid);
            checkRange(vdi, offset, length);
            byte[] out = new byte[length];
            copy(vdi, offset, out, length, false);
            return CompletableFuture.completedFuture(Unpooled.wrappedBuffer(out));
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        try {
            Vdi vdi = vdi(vid);
            int length = data.readableBytes();
            checkRange(vdi, offset, length);
            if (vdi.info.snapshotId() != 0) {
                throw new SheepException(ResultCode.READONLY, "VDI " + vdi.info.name() + " snapshot "
                        + vdi.info.snapshotId() + " is read-only");
            }
            byte[] in = new byte[length];
            data.getBytes(data.readerIndex(), in);
            copy(vdi, offset, in, length, true);
            if (fua) {
                fuaWrites++;
            }
            return CompletableFuture.completedFuture(null);
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Void> zero(int vid, long offset, long length, boolean discard, boolean fua) {
        try {
            Vdi vdi = vdi(vid);
            if (offset < 0 || length < 0 || offset + length > vdi.info.size() || offset + length < 0) {
                throw new SheepException(ResultCode.INVALID_PARAMS, "range " + offset + "+" + length
                        + " is outside VDI " + vdi.info.name() + " of " + vdi.info.size() + " bytes");
            }
            if (vdi.info.snapshotId() != 0) {
                throw new SheepException(ResultCode.READONLY, "VDI " + vdi.info.name() + " snapshot "
                        + vdi.info.snapshotId() + " is read-only");
            }
            for (long pos = offset; pos < offset + length; ) {
                long index = pos / OBJECT_SIZE;
                int n = (int) Math.min(offset + length - pos, OBJECT_SIZE - pos % OBJECT_SIZE);
                boolean whole = pos % OBJECT_SIZE == 0
                        && n == Math.min(OBJECT_SIZE, vdi.info.size() - index * OBJECT_SIZE);
                if (discard && (whole || !vdi.objects.containsKey(index))) {
                    // As the daemon: a discarded whole object is unmapped, a hole stays a hole.
                    vdi.objects.remove(index);
                    vdi.owners.remove(index);
                } else {
                    copy(vdi, pos, new byte[n], n, true);
                }
                pos += n;
            }
            if (fua) {
                fuaWrites++;
            }
            return CompletableFuture.completedFuture(null);
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized CompletableFuture<Void> flush(int vid) {
        try {
            vdi(vid);
            flushes++;
            return CompletableFuture.completedFuture(null);
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized List<Long> objects(String name) throws SheepException {
        Vdi vdi = vdi(name);
        List<Long> oids = new ArrayList<>();
        oids.add(ObjectId.inode(vdi.info.vid()));
        vdi.owners.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(o -> oids.add(ObjectId.data(o.getValue(), o.getKey())));
        return oids;
    }

    @Override
    public synchronized int[] objectMap(int vid) throws SheepException {
        Vdi vdi = vdi(vid);
        int[] map = new int[(int) ((vdi.info.size() + OBJECT_SIZE - 1) / OBJECT_SIZE)];
        vdi.owners.forEach((index, owner) -> map[(int) (long) index] = owner);
        return map;
    }

    @Override
    public synchronized List<Long> allObjects() throws SheepException {
        checkFormatted();
        Set<Long> oids = new LinkedHashSet<>();
        byVid.values().stream().sorted(Comparator.comparingInt((Vdi v) -> v.info.vid())).forEach(v -> {
            oids.add(ObjectId.inode(v.info.vid()));
            v.owners.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(o -> oids.add(ObjectId.data(o.getValue(), o.getKey())));
        });
        return List.copyOf(oids);
    }

    /** What {@link #check} answers for {@code oid} from now on (by default every object is OK on 2 replicas). */
    /** Makes {@code client} hold the write lock of VDI {@code name} through node {@code node}. */
    public synchronized FakeSheep lock(String name, String client, String node, long generation) {
        locks.put(name, new VdiLockInfo(name, client, node, clock.millis(), generation, false, "", ""));
        return this;
    }

    @Override
    public synchronized List<VdiLockInfo> locks() {
        return List.copyOf(locks.values());
    }

    @Override
    public synchronized void unlock(String name, long generation) throws SheepException {
        VdiLockInfo l = locks.get(name);
        if (l == null || l.shared() || (generation != 0 && l.generation() != generation)) {
            throw new SheepException(ResultCode.NO_LOCK, "VDI " + name + " is not locked");
        }
        locks.remove(name);
    }

    @Override
    public synchronized VdiLockInfo migrateLock(String name, String toNode) throws SheepException {
        VdiLockInfo l = locks.get(name);
        if (l == null || l.shared()) {
            throw new SheepException(ResultCode.NO_LOCK, "VDI " + name + " is not locked");
        }
        VdiLockInfo moved = new VdiLockInfo(name, l.client(), l.node(), l.sinceMillis(), l.generation(), false,
                toNode.isEmpty() ? "" : Long.toHexString(nodeIdOf(toNode)), "");
        locks.put(name, moved);
        return moved;
    }

    private static long nodeIdOf(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return nodeId(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public synchronized void setShared(String name, boolean shared) throws SheepException {
        lookup(name);
        if (shared && locks.containsKey(name) && !locks.get(name).shared()) {
            throw new SheepException(ResultCode.VDI_LOCKED, "VDI " + name + " is locked");
        }
        if (shared) {
            locks.put(name, new VdiLockInfo(name, "", "", 0, 0, true, "", ""));
        } else {
            locks.remove(name);
        }
    }

    public synchronized FakeSheep setCheck(ObjectCheck result) {
        checkResults.put(result.oid(), result);
        return this;
    }

    /** The objects checked so far, in the order asked. */
    public synchronized List<Long> checked() {
        return List.copyOf(checked);
    }

    @Override
    public synchronized ObjectCheck check(long oid) {
        checked.add(oid);
        return checkResults.getOrDefault(oid, new ObjectCheck(oid,
                ObjectCheck.Outcome.OK, 2, "1.1", List.of()));
    }

    /** Bytes of the VDI {@code name}, zeros where never written; for asserting on what clients wrote. */
    public synchronized byte[] contents(String name, long offset, int length) throws SheepException {
        Vdi vdi = vdi(name);
        checkRange(vdi, offset, length);
        byte[] out = new byte[length];
        copy(vdi, offset, out, length, false);
        return out;
    }

    /** How many flushes succeeded. */
    public synchronized long flushes() {
        return flushes;
    }

    /** How many writes asked for FUA. */
    public synchronized long fuaWrites() {
        return fuaWrites;
    }

    /** Copies between {@code buf} and the VDI's objects, object by object; a read of a hole leaves zeros. */
    private static void copy(Vdi vdi, long offset, byte[] buf, int length, boolean write) {
        int done = 0;
        while (done < length) {
            long pos = offset + done;
            long index = pos / OBJECT_SIZE;
            int inObject = (int) (pos % OBJECT_SIZE);
            int n = Math.min(length - done, OBJECT_SIZE - inObject);
            byte[] object = vdi.objects.get(index);
            if (write) {
                if (object == null || vdi.owners.get(index) != vdi.info.vid()) {
                    object = object == null ? new byte[OBJECT_SIZE] : object.clone();
                    vdi.objects.put(index, object);
                    vdi.owners.put(index, vdi.info.vid());
                }
                System.arraycopy(buf, done, object, inObject, n);
            } else if (object != null) {
                System.arraycopy(object, inObject, buf, done, n);
            }
            done += n;
        }
    }

    private static VdiInfo withUsage(Vdi vdi) {
        VdiInfo i = vdi.info;
        long owned = vdi.owned();
        return new VdiInfo(i.name(), i.vid(), i.size(), owned * OBJECT_SIZE, (vdi.objects.size() - owned) * OBJECT_SIZE,
                i.createdMillis(), i.copies(), i.snapshotId(), i.tag(), i.parentVid(), vdi.clone);
    }

    private static void checkRange(Vdi vdi, long offset, int length) throws SheepException {
        if (offset < 0 || length < 0 || offset + length > vdi.info.size() || offset + length < 0) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "range " + offset + "+" + length
                    + " is outside VDI " + vdi.info.name() + " of " + vdi.info.size() + " bytes");
        }
    }

    private void checkFormatted() throws SheepException {
        if (!formatted) {
            throw new SheepException(ResultCode.NOT_FORMATTED,
                    "the cluster is not formatted yet: run 'collie cluster format'");
        }
    }

    private Vdi vdi(String name) throws SheepException {
        checkFormatted();
        Vdi vdi = byName.get(name);
        if (vdi == null) {
            throw VdiRules.noVdi(name);
        }
        return vdi;
    }

    private Vdi vdi(int vid) throws SheepException {
        checkFormatted();
        Vdi vdi = byVid.get(vid);
        if (vdi == null) {
            throw new SheepException(ResultCode.NO_VDI, "no VDI with id " + Integer.toHexString(vid));
        }
        return vdi;
    }
}
