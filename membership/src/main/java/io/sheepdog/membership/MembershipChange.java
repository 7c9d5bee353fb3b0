package io.sheepdog.membership;

import java.util.List;

/**
 * One change of the live membership, as delivered to {@link MembershipListener}s.
 *
 * @param viewId  grows with every change; numbering is local to the membership implementation, not an epoch
 * @param members every live member after the change, sorted by node id, including this node
 * @param joined  members that were not in the previous change
 * @param left    members of the previous change that are gone (left, crashed, or cut off)
 */
public record MembershipChange(long viewId, List<MemberInfo> members, List<MemberInfo> joined, List<MemberInfo> left) {
    public MembershipChange {
        members = List.copyOf(members);
        joined = List.copyOf(joined);
        left = List.copyOf(left);
    }
}
