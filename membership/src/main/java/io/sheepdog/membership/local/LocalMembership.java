package io.sheepdog.membership.local;

import io.sheepdog.membership.AbstractMembership;
import io.sheepdog.membership.Admission;
import io.sheepdog.membership.ClusterIdSource;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.Refusal;
import java.util.List;
import java.util.UUID;

/**
 * {@link Membership} on a {@link LocalNetwork}: the same contract as the JGroups implementation (admission,
 * listeners on one thread in order, typed messages), with no sockets, so tests can script joins, leaves and
 * partitions deterministically.
 */
public final class LocalMembership extends AbstractMembership {
    private final LocalNetwork network;
    private final NodeAddress self;
    private final ClusterIdSource clusterIds;
    private final int protocolVersion;
    private final String incarnation = UUID.randomUUID().toString();
    private volatile boolean coordinator;
    private volatile boolean started;
    private volatile boolean closed;

    public LocalMembership(LocalNetwork network, NodeAddress self, ClusterIdSource clusterIds) {
        this(network, self, clusterIds, Admission.PROTOCOL_VERSION);
    }

    public LocalMembership(LocalNetwork network, NodeAddress self, ClusterIdSource clusterIds, int protocolVersion) {
        super(self.hostPort());
        this.network = network;
        this.self = self;
        this.clusterIds = clusterIds;
        this.protocolVersion = protocolVersion;
    }

    @Override
    public synchronized void start() throws MembershipException {
        if (started || closed) {
            throw new MembershipException(MembershipException.Reason.NOT_RUNNING, "start called twice");
        }
        network.join(this);
        started = true;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        network.leave(this);
        stopEvents();
    }

    @Override
    public NodeAddress self() {
        return self;
    }

    @Override
    public MemberInfo selfInfo() {
        return new MemberInfo(self, incarnation, protocolVersion, clusterIds.clusterId());
    }

    int protocolVersion() {
        return protocolVersion;
    }

    String clusterId() {
        return clusterIds.clusterId();
    }

    @Override
    public boolean isCoordinator() {
        return coordinator;
    }

    @Override
    public void send(NodeId to, String topic, byte[] payload) throws MembershipException {
        checkRunning();
        if (!network.deliver(this, to, topic, payload)) {
            throw new MembershipException(MembershipException.Reason.UNKNOWN_MEMBER, "node " + to + " is not a member");
        }
    }

    @Override
    public void broadcast(String topic, byte[] payload) throws MembershipException {
        checkRunning();
        network.deliver(this, null, topic, payload);
    }

    private void checkRunning() throws MembershipException {
        if (!started || closed) {
            throw new MembershipException(MembershipException.Reason.NOT_RUNNING, "membership is not running");
        }
    }

    /** Called by the network with the members this node sees, oldest first. */
    void viewChanged(List<MemberInfo> viewOrder, boolean isCoordinator) {
        coordinator = isCoordinator;
        events.membersChanged(viewOrder);
    }

    void received(MemberInfo from, String topic, byte[] payload) {
        events.messageReceived(from, topic, payload);
    }

    void refused(Refusal r) {
        events.refused(r);
    }
}
