package io.sheepdog.membership.meta;

import java.util.Objects;

/**
 * Who holds (or waits for) a VDI's write lock: a client, identified by its host address, attached through one
 * daemon incarnation of one node.
 *
 * <p>The client is its host, not its connection: the connections of one client through one node share the lock
 * (multi-conn: nbdcopy opens four, qemu may open several), and they all come from the same host. Two processes on
 * one host attached through the same node are one holder, as in Sheepdog, where the lock belongs to the
 * hypervisor's local sheep: a host is one failure domain and its processes are the operator's to coordinate. Two
 * hosts, or one host through two nodes, are two holders and exclude each other.
 *
 * @param client      the client's host address, as the serving node sees it
 * @param nodeId      the serving node's id (hex)
 * @param node        the serving node's address (host:port), for operators
 * @param incarnation the serving daemon's incarnation: the lock ends with it
 */
public record LockHolder(String client, String nodeId, String node, String incarnation) {
    public LockHolder {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(incarnation, "incarnation");
    }

    /** The same client through the same node, whichever incarnation of it. */
    public boolean sameClient(LockHolder other) {
        return client.equals(other.client) && nodeId.equals(other.nodeId);
    }

    /** "10.0.0.5 through 10.0.0.1:7000". */
    public String describe() {
        return client + " through node " + node;
    }
}
