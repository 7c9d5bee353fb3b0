package io.sheepdog.membership;

import java.util.Objects;

/**
 * A live member as every other member sees it: where it can be reached, which incarnation of the daemon it is, and
 * what it claimed when it joined.
 *
 * @param address         the node's address, zone and weight
 * @param incarnation     random per daemon start: tells a restarted node from one that stayed up
 * @param protocolVersion the cluster protocol version the node speaks ({@link Admission#PROTOCOL_VERSION})
 * @param clusterId       the cluster the node's store was formatted into when it joined, empty if none
 */
public record MemberInfo(NodeAddress address, String incarnation, int protocolVersion, String clusterId) {
    public MemberInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(incarnation, "incarnation");
        Objects.requireNonNull(clusterId, "clusterId");
    }

    /** The node id, shortcut for {@code address().id()}. */
    public NodeId id() {
        return address.id();
    }

    /** True if the node stores data (weight above zero); gateway-only nodes do not. */
    public boolean storesData() {
        return address.vnodes() > 0;
    }
}
