package io.sheepdog.membership.meta;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeId;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The voting members of the metadata group, and what a set of live members reaches of them. A command commits
 * only once a majority of the voters has it, so live members that reach fewer cannot change metadata. Both engines
 * count the same way: the Raft one from {@code RAFT.members()}, the in-process one from its log's voters.
 *
 * @param voters the voting members; empty while no group was founded (never formatted)
 */
public record Quorum(Set<NodeId> voters) {
    /** No metadata group yet. */
    public static final Quorum NONE = new Quorum(Set.of());

    public Quorum {
        voters = Set.copyOf(voters);
    }

    /** The voters named by their Raft ids (node ids in hex, {@link NodeId#parse}). */
    public static Quorum ofRaftIds(List<String> raftIds) {
        return new Quorum(Set.copyOf(raftIds.stream().map(NodeId::parse).toList()));
    }

    /** True once a metadata group was founded. */
    public boolean founded() {
        return !voters.isEmpty();
    }

    /** True if {@code node} votes. */
    public boolean contains(NodeId node) {
        return voters.contains(node);
    }

    /** How many votes a commit needs. */
    public int majority() {
        return voters.size() / 2 + 1;
    }

    /** How many voters are among {@code live}. */
    public long reach(Collection<MemberInfo> live) {
        return live.stream().map(MemberInfo::id).distinct().filter(voters::contains).count();
    }

    /** True if a group was founded and {@code live} holds a majority of its voters. */
    public boolean reachedBy(Collection<MemberInfo> live) {
        return founded() && reach(live) >= majority();
    }

    /** "it reaches 1 of the 3 metadata members, a majority is 2", for messages about a missing majority. */
    public String describeReach(Collection<MemberInfo> live) {
        if (!founded()) {
            return "this node is not in a metadata group yet; format the cluster first";
        }
        return "it reaches " + reach(live) + " of the " + voters.size() + " metadata members, a majority is "
                + majority();
    }
}
