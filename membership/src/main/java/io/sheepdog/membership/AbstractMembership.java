package io.sheepdog.membership;

import java.util.List;

/**
 * What every {@link Membership} implementation shares: the member list, listeners, message handlers and refusals,
 * kept by a {@link MembershipEvents} that the implementation feeds with the views, messages and refusals of its
 * transport.
 */
public abstract class AbstractMembership implements Membership {
    /** Fed by the implementation; calls listeners and handlers on its own thread, in order. */
    protected final MembershipEvents events;

    /** @param name names the event thread, e.g. the node's host:port */
    protected AbstractMembership(String name) {
        this.events = new MembershipEvents(name);
    }

    @Override
    public final List<MemberInfo> members() {
        return events.members();
    }

    @Override
    public final void addListener(MembershipListener listener) {
        events.addListener(listener);
    }

    @Override
    public final void removeListener(MembershipListener listener) {
        events.removeListener(listener);
    }

    @Override
    public final void onMessage(String topic, MessageHandler handler) {
        events.onMessage(topic, handler);
    }

    @Override
    public final List<Refusal> refusals() {
        return events.refusals();
    }

    /** Forgets the members without telling listeners and stops the event thread: this node left the group. */
    protected final void stopEvents() {
        events.reset();
        events.close();
    }
}
