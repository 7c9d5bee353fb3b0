package io.sheepdog.membership.jgroups;

import io.sheepdog.membership.AbstractMembership;
import io.sheepdog.membership.Admission;
import io.sheepdog.membership.ClusterIdSource;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.MembershipEvents;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.Refusal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.TP;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} on a JGroups channel ({@link JGroupsStack}). Each member's {@link MemberInfo} travels in its
 * JGroups address (an {@link ExtendedUUID} ordered by start time, {@link IncarnationAddress}), so a view alone
 * tells every member where the others are. Joiners are checked by {@link AdmissionAuth}; the coordinator broadcasts every refusal so that each
 * member can list it.
 *
 * <p>Messages are {@code [topic (UTF)][payload]} byte messages on the channel, reliable and FIFO per sender.
 *
 * <p>Other protocols can be stacked on top ({@code top}), which is how the Raft metadata shares this channel; they
 * reach the channel through {@link #channel()}.
 */
public final class JGroupsMembership extends AbstractMembership {
    /** Topic of the refusal notices the coordinator broadcasts. */
    static final String REFUSED_TOPIC = "sd.refused";
    private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);

    private final MembershipConfig config;
    private final ClusterIdSource clusterIds;
    private final Supplier<List<Protocol>> top;
    private final String incarnation = UUID.randomUUID().toString();
    private final Map<Address, MemberInfo> byAddress = new ConcurrentHashMap<>();
    private volatile JChannel channel;
    private volatile boolean coordinator;
    private volatile boolean closed;

    /** A membership of its own (no protocols on top). */
    public JGroupsMembership(MembershipConfig config, ClusterIdSource clusterIds) {
        this(config, clusterIds, List::of);
    }

    /**
     * @param top creates the protocols to stack above the membership protocols, bottom first (called in start)
     */
    public JGroupsMembership(MembershipConfig config, ClusterIdSource clusterIds, Supplier<List<Protocol>> top) {
        super(config.self().hostPort());
        this.config = Objects.requireNonNull(config, "config");
        this.clusterIds = Objects.requireNonNull(clusterIds, "clusterIds");
        this.top = top;
    }

    /** The channel, for protocols stacked on top; null before start. */
    public JChannel channel() {
        return channel;
    }

    @Override
    public synchronized void start() throws MembershipException {
        if (channel != null || closed) {
            throw new MembershipException(MembershipException.Reason.NOT_RUNNING, "start called twice");
        }
        LOG.info("membership: {}", config.describe());
        AdmissionToken token = new AdmissionToken(this::selfInfo);
        AdmissionAuth admission = new AdmissionAuth(token, config.protocolVersion(), clusterIds::clusterId,
                this::currentMembers, this::refusedHere);
        JChannel ch;
        try {
            ch = new JChannel(JGroupsStack.build(config, admission, top.get()));
        } catch (Exception e) {
            throw new MembershipException(MembershipException.Reason.INTERNAL, "cannot build the JGroups stack", e);
        }
        TP tp = ch.getProtocolStack().getTransport();
        if (tp.getDiagnosticsHandler() != null) {
            tp.getDiagnosticsHandler().setEnabled(false);
        }
        ch.name(config.self().hostPort());
        ch.addAddressGenerator(() -> IncarnationAddress.create(config.self().hostPort(), selfInfo(),
                System.currentTimeMillis()));
        ch.setReceiver(new ChannelReceiver());
        channel = ch;
        try {
            ch.connect(config.clusterName());
        } catch (Exception e) {
            channel = null;
            ch.close();
            throw startFailure(e);
        }
        LOG.info("membership: {} joined cluster '{}' as {}", config.self().hostPort(), config.clusterName(),
                ch.getAddress());
    }

    private MembershipException startFailure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SecurityException) {
                String msg = "refused by cluster '" + config.clusterName() + "': " + t.getMessage();
                LOG.error("membership: {}", msg);
                return new MembershipException(MembershipException.Reason.REFUSED, msg, e);
            }
        }
        String msg = "cannot join cluster '" + config.clusterName() + "' on " + config.bindAddress().getHostAddress()
                + ":" + config.bindPort() + ": " + e.getMessage();
        LOG.error("membership: {}", msg);
        return new MembershipException(MembershipException.Reason.NETWORK, msg, e);
    }

    @Override
    public void close() {
        JChannel ch;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ch = channel;
        }
        if (ch != null) {
            ch.close();
        }
        stopEvents();
    }

    @Override
    public NodeAddress self() {
        return config.self();
    }

    @Override
    public MemberInfo selfInfo() {
        return new MemberInfo(config.self(), incarnation, config.protocolVersion(), clusterIds.clusterId());
    }

    @Override
    public boolean isCoordinator() {
        return coordinator;
    }

    @Override
    public void send(NodeId to, String topic, byte[] payload) throws MembershipException {
        Address dest = null;
        for (Map.Entry<Address, MemberInfo> e : byAddress.entrySet()) {
            if (e.getValue().id().equals(to)) {
                dest = e.getKey();
            }
        }
        if (dest == null) {
            throw new MembershipException(MembershipException.Reason.UNKNOWN_MEMBER, "node " + to + " is not a member");
        }
        sendTo(dest, topic, payload);
    }

    @Override
    public void broadcast(String topic, byte[] payload) throws MembershipException {
        sendTo(null, topic, payload);
    }

    private void sendTo(Address dest, String topic, byte[] payload) throws MembershipException {
        JChannel ch = channel;
        if (ch == null || closed) {
            throw new MembershipException(MembershipException.Reason.NOT_RUNNING, "membership is not running");
        }
        try {
            ch.send(new BytesMessage(dest, frame(topic, payload)));
        } catch (Exception e) {
            throw new MembershipException(MembershipException.Reason.NETWORK, "cannot send on topic " + topic, e);
        }
    }

    private static byte[] frame(String topic, byte[] payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + topic.length() + 2);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(topic);
            out.write(payload);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory stream
        }
        return bytes.toByteArray();
    }

    private Collection<MemberInfo> currentMembers() {
        return byAddress.values();
    }

    /** On the coordinator (a JGroups thread): record, and tell the other members. */
    private void refusedHere(MemberInfo joiner, String reason) {
        Refusal r = new Refusal(System.currentTimeMillis(), Admission.describe(joiner), reason);
        LOG.warn("membership: refused {}: {}", r.node(), reason);
        byte[] payload = (r.atMillis() + "\n" + r.node() + "\n" + r.reason()).getBytes(StandardCharsets.UTF_8);
        try {
            // The refusal reaches this node too, through the channel, and is recorded then.
            broadcast(REFUSED_TOPIC, payload);
        } catch (MembershipException e) {
            events.refused(r);
        }
    }

    private void viewChanged(View view) {
        List<MemberInfo> members = new ArrayList<>();
        Map<Address, MemberInfo> next = new ConcurrentHashMap<>();
        for (Address a : view.getMembersRaw()) {
            try {
                MemberCodec.of(a).ifPresentOrElse(m -> {
                    members.add(m);
                    next.put(a, m);
                }, () -> LOG.warn("membership: {} in view {} is not a sheep; ignored", a, view.getViewId()));
            } catch (IllegalArgumentException e) {
                LOG.warn("membership: cannot decode member {}: {}", a, e.getMessage());
            }
        }
        byAddress.keySet().retainAll(next.keySet());
        byAddress.putAll(next);
        coordinator = Objects.equals(view.getCoord(), channel != null ? channel.getAddress() : null);
        LOG.info("membership: view {} with {} members{}", view.getViewId(), members.size(),
                coordinator ? " (coordinator)" : "");
        events.membersChanged(members);
    }

    private void received(Message msg) {
        byte[] buf = msg.getArray();
        if (buf == null) {
            return;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(buf, msg.getOffset(), msg.getLength()));
        try {
            String topic = in.readUTF();
            byte[] payload = in.readAllBytes();
            if (REFUSED_TOPIC.equals(topic)) {
                String[] p = new String(payload, StandardCharsets.UTF_8).split("\n", 3);
                events.refused(new Refusal(Long.parseLong(p[0]), p[1], p[2]));
                return;
            }
            MemberInfo from = byAddress.get(msg.getSrc());
            if (from == null) {
                from = MemberCodec.of(msg.getSrc()).orElse(null);
            }
            if (from == null) {
                LOG.debug("membership: message on {} from unknown sender {}", topic, msg.getSrc());
                return;
            }
            events.messageReceived(from, topic, payload);
        } catch (IOException | RuntimeException e) {
            LOG.warn("membership: malformed message from {}: {}", msg.getSrc(), e.toString());
        }
    }

    /** The channel's callbacks, on JGroups threads; they only hand over to {@link MembershipEvents}. */
    private final class ChannelReceiver implements Receiver {
        @Override
        public void viewAccepted(View view) {
            viewChanged(view);
        }

        @Override
        public void receive(Message msg) {
            received(msg);
        }
    }
}
