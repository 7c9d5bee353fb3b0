package io.sheepdog.daemon.recovery;

import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * What one node must copy in one epoch, computed from every data node's object list. Pure.
 *
 * <p>An object is this node's to recover when the epoch places it here and this node's copy is missing or older
 * than the newest copy any node listed; the sources are the nodes holding that newest version. Objects in no list
 * are unknown to recovery: if one is needed later, the replicas answer NO_OBJ and the request fails rather than
 * reading zeroes.
 *
 * <p>Removed while away: an object held only by nodes that rejoined in this epoch (they were not data nodes of the
 * previous one), while a node that was a replica of it in the previous epoch and still is a data node lacks it,
 * was removed while they were away (a discard, a deleted VDI): it is not recovered, and the rejoined nodes drop
 * their stale copy ({@link #stale}) before serving. Copying it back would resurrect data the clients removed. (The
 * same signs would follow from every replica of the previous epoch losing the object at once; the stale copy
 * would then be lost too.)
 *
 * <p>Deleted VDIs: an object of a retired VDI id is garbage (nothing reads it, the id is never given again). It is
 * never recovered, and this node drops its copy ({@link #stale}).
 *
 * @param stale this node's replicas that were removed while it was away or belong to deleted VDIs, to be dropped
 */
record RecoveryPlan(List<Task> tasks, long bytes, List<Long> stale) {

    /** One object to copy, from any of {@code sources} (all hold {@code version}). */
    record Task(long oid, ObjectVersion version, long bytes, List<NodeAddress> sources) {
    }

    /** The newest copies of one object. */
    private static final class Newest {
        ObjectVersion version = ObjectVersion.NONE;
        long bytes;
        final List<NodeAddress> holders = new ArrayList<>();
    }

    /**
     * @param self    this node
     * @param epoch   the epoch's placement
     * @param copies  the copy count of a VDI id
     * @param retired whether a VDI id belongs to a deleted VDI
     * @param lists   every data node's replicas (this node's included)
     */
    static RecoveryPlan compute(NodeId self, Placement.Snapshot epoch, IntUnaryOperator copies, IntPredicate retired,
                                Map<NodeAddress, List<ObjectInfo>> lists) {
        Map<Long, Newest> newest = new LinkedHashMap<>();
        Map<Long, ObjectVersion> mine = new HashMap<>();
        lists.forEach((node, replicas) -> {
            for (ObjectInfo r : replicas) {
                if (node.id().equals(self)) {
                    mine.put(r.oid(), r.version());
                }
                Newest n = newest.computeIfAbsent(r.oid(), k -> new Newest());
                int c = r.version().compareTo(n.version);
                if (c > 0 || n.holders.isEmpty()) {
                    n.version = r.version();
                    n.bytes = r.allocatedBytes();
                    n.holders.clear();
                }
                if (c >= 0 || n.holders.isEmpty()) {
                    n.holders.add(node);
                }
            }
        });
        List<Task> tasks = new ArrayList<>();
        List<Long> stale = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<Long, Newest> e : newest.entrySet()) {
            long oid = e.getKey();
            Newest n = e.getValue();
            if (retired.test(ObjectId.vid(oid)) || removedWhileAway(oid, n, epoch, copies, lists)) {
                if (mine.containsKey(oid)) {
                    stale.add(oid);
                }
                continue;
            }
            ObjectVersion have = mine.get(oid);
            if (have != null && have.compareTo(n.version) >= 0) {
                continue;
            }
            boolean owned = epoch.replicas(oid, copies.applyAsInt(ObjectId.vid(oid))).stream()
                    .anyMatch(a -> a.id().equals(self));
            if (owned) {
                tasks.add(new Task(oid, n.version, n.bytes, List.copyOf(n.holders)));
                bytes += n.bytes;
            }
        }
        return new RecoveryPlan(List.copyOf(tasks), bytes, List.copyOf(stale));
    }

    /** Whether every holder of {@code oid} rejoined in this epoch and a replica of the previous epoch lacks it. */
    private static boolean removedWhileAway(long oid, Newest n, Placement.Snapshot epoch, IntUnaryOperator copies,
                                            Map<NodeAddress, List<ObjectInfo>> lists) {
        Optional<Placement.Snapshot> previous = epoch.previous();
        if (previous.isEmpty()) {
            return false;
        }
        Set<NodeId> before = new HashSet<>();
        previous.get().dataNodes().forEach(a -> before.add(a.id()));
        Map<NodeAddress, List<ObjectInfo>> all = new HashMap<>();
        // Any holder of any version counts: a node that stayed and holds an older copy is no sign of a removal.
        for (Map.Entry<NodeAddress, List<ObjectInfo>> l : lists.entrySet()) {
            if (before.contains(l.getKey().id()) && l.getValue().stream().anyMatch(i -> i.oid() == oid)) {
                return false;
            }
            all.put(l.getKey(), l.getValue());
        }
        if (n.holders.stream().anyMatch(h -> before.contains(h.id()))) {
            return false;
        }
        for (NodeAddress r : previous.get().replicas(oid, copies.applyAsInt(ObjectId.vid(oid)))) {
            if (all.keySet().stream().anyMatch(a -> a.id().equals(r.id()))) {
                return true; // it stayed, is listed now, and lacks the object (it holds no version of it)
            }
        }
        return false;
    }
}
