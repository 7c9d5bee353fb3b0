package io.sheepdog.daemon.recovery;

import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * What one node must copy in one epoch, computed from every data node's object list. Pure.
 *
 * <p>An object is this node's to recover when the epoch places it here and this node's copy is missing or older
 * than the newest copy any node listed; the sources are the nodes holding that newest version. Objects in no list
 * are unknown to recovery: if one is needed later, the replicas answer NO_OBJ and the request fails rather than
 * reading zeroes.
 */
record RecoveryPlan(List<Task> tasks, long bytes) {

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
     * @param self   this node
     * @param epoch  the epoch's placement
     * @param copies the copy count of a VDI id
     * @param lists  every data node's replicas (this node's included)
     */
    static RecoveryPlan compute(NodeId self, Placement.Snapshot epoch, IntUnaryOperator copies,
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
        long bytes = 0;
        for (Map.Entry<Long, Newest> e : newest.entrySet()) {
            long oid = e.getKey();
            Newest n = e.getValue();
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
        return new RecoveryPlan(List.copyOf(tasks), bytes);
    }
}
