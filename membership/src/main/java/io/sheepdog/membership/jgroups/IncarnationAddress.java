package io.sheepdog.membership.jgroups;

import io.sheepdog.membership.MemberInfo;
import java.util.concurrent.ThreadLocalRandom;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;

/**
 * The JGroups address of one incarnation of a member: an {@link ExtendedUUID} whose high 64 bits are the time the
 * incarnation started (wall clock, ms) and whose low 64 bits are random, carrying the member's description
 * ({@link MemberCodec}). Every start gets a new address, as JGroups requires.
 *
 * <p>Why the start time comes first: JGroups orders addresses, and a joiner whose discovery finds members but no
 * coordinator among them founds a group of its own if its address sorts first, or else waits and asks again
 * (GMS's ClientGmsImpl, "first of all clients"). A node restarted right after {@code kill -9}, while the others
 * still count its previous incarnation (their coordinator) as a member, is in exactly that position: with random
 * addresses it founded a one-node group in about half the starts and stayed apart. Ordered by start time, a new
 * incarnation sorts after every member that started before it, so it waits until the others have replaced their
 * dead coordinator and then joins them; of nodes that start together, the first to start founds the group. Clocks
 * skewed by more than the members' uptime bring back the old odds, and MERGE3 heals such a split.
 */
final class IncarnationAddress {
    private IncarnationAddress() {
    }

    /**
     * A new address.
     *
     * @param name        the logical name JGroups shows for it (its logs, views)
     * @param self        this member, encoded into the address
     * @param startMillis when this incarnation started
     */
    static ExtendedUUID create(String name, MemberInfo self, long startMillis) {
        ExtendedUUID address = new ExtendedUUID(startMillis, ThreadLocalRandom.current().nextLong());
        address.put(MemberCodec.KEY, MemberCodec.encode(self));
        NameCache.add(address, name);
        return address;
    }
}
