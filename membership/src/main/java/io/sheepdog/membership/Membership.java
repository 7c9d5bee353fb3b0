package io.sheepdog.membership;

import java.util.List;

/**
 * The live members of the cluster: who is up, told to listeners in order, plus small typed messages between
 * members. Pure Java; implementations live in {@code membership.jgroups} (real networks) and
 * {@code membership.local} (in-process, for deterministic tests), with the same semantics:
 *
 * <ul>
 *   <li>{@link #start} joins (or founds) the group and returns once this node is a member; a refused node gets a
 *       {@link MembershipException} with reason {@code REFUSED} and an explanation for the operator.</li>
 *   <li>Every member knows every other member's {@link MemberInfo}, including its {@link NodeAddress}.</li>
 *   <li>Listener calls and message handlers run on one dedicated thread per membership, in order.</li>
 *   <li>A node id appears at most once in {@link #members()}: if a restarted node rejoins before its previous
 *       incarnation was detected dead, the newer incarnation replaces the older one.</li>
 * </ul>
 *
 * <p>Live membership is not an epoch: the replicated cluster metadata turns changes that matter for placement into
 * epochs.
 */
public interface Membership extends AutoCloseable {

    /** Joins the cluster. Call once; listeners added before are told the initial members. */
    void start() throws MembershipException;

    /** Leaves the cluster and stops the event thread. Idempotent. */
    @Override
    void close();

    /** This node's address. */
    NodeAddress self();

    /** This node as the others see it. */
    MemberInfo selfInfo();

    /** The live members, sorted by node id, including this node; empty before start. */
    List<MemberInfo> members();

    /** True if this node currently coordinates the group (the oldest member); false before start. */
    boolean isCoordinator();

    /** Adds a listener; if started, it is first told the current members as one change listing them as joined. */
    void addListener(MembershipListener listener);

    void removeListener(MembershipListener listener);

    /** Sets the handler of messages on {@code topic}, replacing any previous one. */
    void onMessage(String topic, MessageHandler handler);

    /** Sends a small message (up to a few KiB) to one member, reliably and in order per sender. */
    void send(NodeId to, String topic, byte[] payload) throws MembershipException;

    /** Sends a small message to every member, this node included, reliably and in order per sender. */
    void broadcast(String topic, byte[] payload) throws MembershipException;

    /** Nodes recently refused by this group, oldest first (bounded). */
    List<Refusal> refusals();
}
