package io.sheepdog.membership.meta;

import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipException;
import java.util.List;

/**
 * One node's view of the cluster: its live membership and the replicated metadata, started and stopped together
 * (they may share one network channel). What the daemon composes; implementations:
 * {@code membership.jgroups.raft.JGroupsRaftNode} and {@code membership.local.LocalClusterNode}.
 */
public interface ClusterNode extends AutoCloseable {

    Membership membership();

    ClusterMetadataService metadata();

    /** The voting members of the metadata group as this node knows them (node ids in hex), for diagnostics. */
    List<String> metadataMembers();

    /** Joins the cluster and loads the persisted metadata. */
    void start() throws MembershipException;

    /** Leaves the cluster. Idempotent. */
    @Override
    void close();
}
