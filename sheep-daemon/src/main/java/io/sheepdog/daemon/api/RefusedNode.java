package io.sheepdog.daemon.api;

/**
 * A node the cluster refused to let join, as {@code collie node list} shows it.
 *
 * @param atMillis when it was refused
 * @param node     the node, as "host:port" or its id
 * @param reason   why (another cluster's store, another protocol version)
 */
public record RefusedNode(long atMillis, String node, String reason) {
}
