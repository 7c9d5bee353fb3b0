package io.sheepdog.membership;

/**
 * Receives membership changes and messages. All calls for one {@link Membership} come from one dedicated thread, in
 * the order the changes happened; an implementation must return quickly and hand long work to its own executor.
 */
public interface MembershipListener {

    /** The live members changed. The first call after start reports the initial members as joined. */
    void membersChanged(MembershipChange change);

    /** A node tried to join and was refused; see {@link Membership#refusals()}. */
    default void refused(Refusal refusal) {
    }
}
