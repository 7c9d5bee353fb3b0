package io.sheepdog.membership;

/** Receives the messages of one topic sent with {@link Membership#send} or {@link Membership#broadcast}. */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Called on the membership's event thread, in the order messages from {@code from} were sent.
     *
     * @param from    the sender
     * @param payload the message bytes, owned by the handler
     */
    void received(MemberInfo from, byte[] payload);
}
