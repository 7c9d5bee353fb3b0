package io.sheepdog.membership.local;

import io.sheepdog.membership.Admission;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.Refusal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory "network" shared by the {@link LocalMembership}s of one test: who has joined, who can see whom, and
 * (through {@link LocalMetadataLog}) what the replicated metadata committed. Tests add nodes by starting them,
 * remove them by closing them, and cut the network with {@link #partition} and {@link #heal}. Every change is
 * applied at once and reported to each affected member through its own event thread, in order: deterministic up to
 * thread scheduling of the listeners.
 *
 * <p>Joining applies {@link Admission} like the JGroups implementation: the oldest member the joiner can see
 * decides, and the refusal is recorded on every member it can see.
 */
public final class LocalNetwork {
    private final List<LocalMembership> joined = new ArrayList<>();
    private final Map<NodeId, Integer> partitionOf = new HashMap<>();
    private final LocalMetadataLog log = new LocalMetadataLog(this);

    /** The shared metadata log of this network. */
    LocalMetadataLog log() {
        return log;
    }

    /**
     * Cuts the network: members in one group see each other and no one else. Nodes not named (including nodes
     * that join later) form one more group.
     */
    @SafeVarargs
    public final synchronized void partition(Set<NodeId>... groups) {
        partitionOf.clear();
        for (int g = 0; g < groups.length; g++) {
            for (NodeId n : groups[g]) {
                partitionOf.put(n, g + 1);
            }
        }
        publishViews();
    }

    /** Heals every partition. */
    public synchronized void heal() {
        partitionOf.clear();
        publishViews();
    }

    /** The members {@code m} can see, in join order (oldest first). */
    synchronized List<MemberInfo> visibleTo(LocalMembership m) {
        return visible(m).stream().map(LocalMembership::selfInfo).toList();
    }

    synchronized void join(LocalMembership m) throws MembershipException {
        List<LocalMembership> group = joined.stream().filter(o -> sameGroup(o, m)).toList();
        if (!group.isEmpty()) {
            LocalMembership coordinator = group.get(0);
            List<MemberInfo> infos = group.stream().map(LocalMembership::selfInfo).toList();
            Optional<String> reason = Admission.refusal(m.selfInfo(), coordinator.protocolVersion(),
                    Admission.groupClusterId(coordinator.clusterId(), infos));
            if (reason.isPresent()) {
                Refusal r = new Refusal(System.currentTimeMillis(), Admission.describe(m.selfInfo()), reason.get());
                group.forEach(o -> o.refused(r));
                throw new MembershipException(MembershipException.Reason.REFUSED, "refused: " + reason.get());
            }
        }
        joined.add(m);
        publishViews();
    }

    synchronized void leave(LocalMembership m) {
        if (joined.remove(m)) {
            publishViews();
        }
    }

    /** Delivers to {@code to} (null: everyone {@code from} can see, itself included); false if unreachable. */
    synchronized boolean deliver(LocalMembership from, NodeId to, String topic, byte[] payload) {
        boolean any = false;
        for (LocalMembership m : visible(from)) {
            if (to == null || m.self().id().equals(to)) {
                m.received(from.selfInfo(), topic, payload.clone());
                any = true;
            }
        }
        return any;
    }

    /** Every joined member (all partitions), oldest first. */
    synchronized Collection<LocalMembership> all() {
        return List.copyOf(joined);
    }

    private List<LocalMembership> visible(LocalMembership m) {
        if (!joined.contains(m)) {
            return List.of();
        }
        return joined.stream().filter(o -> sameGroup(o, m)).toList();
    }

    private boolean sameGroup(LocalMembership a, LocalMembership b) {
        return partitionOf.getOrDefault(a.self().id(), 0).equals(partitionOf.getOrDefault(b.self().id(), 0));
    }

    private void publishViews() {
        for (LocalMembership m : joined) {
            List<LocalMembership> v = visible(m);
            m.viewChanged(v.stream().map(LocalMembership::selfInfo).toList(), v.get(0) == m);
        }
        log.membershipChanged();
    }
}
