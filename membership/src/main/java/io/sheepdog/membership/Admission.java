package io.sheepdog.membership;

import java.util.Collection;
import java.util.Optional;

/**
 * Who may join: the rule every membership implementation applies to a joiner before it becomes a member. Pure.
 *
 * <p>A node is refused when it speaks another cluster protocol version, or when its store was formatted into a
 * different cluster than the one it tries to join. A node with an unformatted store is always admitted (it is a
 * new node), and so is a formatted node joining a group that has no cluster id yet (the cluster restarting, with an
 * unformatted node up first).
 */
public final class Admission {
    /**
     * The version of everything nodes exchange (membership, metadata commands, the sheep peer protocol). Nodes of
     * different versions never form one cluster.
     */
    public static final int PROTOCOL_VERSION = 1;

    private Admission() {
    }

    /**
     * Why {@code joiner} may not join, or empty to admit it.
     *
     * @param joiner         what the joiner presented
     * @param localVersion   the protocol version of the deciding member
     * @param groupClusterId the cluster id of the group it joins, empty if none ({@link #groupClusterId})
     */
    public static Optional<String> refusal(MemberInfo joiner, int localVersion, String groupClusterId) {
        String who = describe(joiner);
        if (joiner.protocolVersion() != localVersion) {
            return Optional.of(String.format("node %s speaks cluster protocol version %d but this cluster speaks %d;"
                    + " run the same sheep version on every node", who, joiner.protocolVersion(), localVersion));
        }
        if (!joiner.clusterId().isEmpty() && !groupClusterId.isEmpty()
                && !joiner.clusterId().equals(groupClusterId)) {
            return Optional.of(String.format("node %s was formatted into cluster %s, but this is cluster %s;"
                    + " to add it here, stop it, wipe its store directory and start it again",
                    who, joiner.clusterId(), groupClusterId));
        }
        return Optional.empty();
    }

    /**
     * The cluster id of a group: the deciding member's own (from its replicated metadata) if it has one, otherwise
     * the first non-empty one its members presented when they joined; empty if none.
     */
    public static String groupClusterId(String localClusterId, Collection<MemberInfo> members) {
        if (!localClusterId.isEmpty()) {
            return localClusterId;
        }
        return members.stream().map(MemberInfo::clusterId).filter(c -> !c.isEmpty()).findFirst().orElse("");
    }

    /** "host:port (id)", as refusals name a node. */
    public static String describe(MemberInfo m) {
        return m.address().hostPort() + " (" + m.id() + ")";
    }
}
