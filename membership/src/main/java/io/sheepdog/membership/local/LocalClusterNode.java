package io.sheepdog.membership.local;

import io.sheepdog.membership.Admission;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.ClusterNode;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * An in-process {@link ClusterNode} on a {@link LocalNetwork}. Closing and re-creating a node with the same
 * address is a restart: it replays the metadata it had applied.
 */
public final class LocalClusterNode implements ClusterNode {
    private final LocalMembership membership;
    private final LocalMetadataService metadata;

    public LocalClusterNode(LocalNetwork network, NodeAddress self) {
        this(network, self, System::currentTimeMillis, Admission.PROTOCOL_VERSION);
    }

    public LocalClusterNode(LocalNetwork network, NodeAddress self, LongSupplier clock, int protocolVersion) {
        this.metadata = new LocalMetadataService(network, self, clock);
        this.membership = new LocalMembership(network, self, metadata, protocolVersion);
        metadata.attach(membership);
    }

    @Override
    public void start() throws MembershipException {
        metadata.open();
        try {
            membership.start();
        } catch (MembershipException e) {
            metadata.close();
            throw e;
        }
    }

    @Override
    public Membership membership() {
        return membership;
    }

    @Override
    public ClusterMetadataService metadata() {
        return metadata;
    }

    /** The voting members of the metadata group (node ids in hex, sorted), for diagnostics. */
    @Override
    public List<String> metadataMembers() {
        return metadata.voters();
    }

    @Override
    public void close() {
        membership.close();
        metadata.close();
    }
}
