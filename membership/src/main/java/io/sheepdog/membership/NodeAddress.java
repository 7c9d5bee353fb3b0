package io.sheepdog.membership;

/**
 * Where a node can be reached and how much it stores.
 *
 * @param id      the node id
 * @param host    the address sheep listens on (numeric)
 * @param port    sheep protocol port
 * @param nbdPort NBD port
 * @param zone    failure zone: no two copies of an object are placed in one zone
 * @param vnodes  number of virtual nodes on the ring, 0 for a gateway-only node
 */
public record NodeAddress(NodeId id, String host, int port, int nbdPort, int zone, int vnodes) {

    /** "host:port", as Sheepdog prints nodes. */
    public String hostPort() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
