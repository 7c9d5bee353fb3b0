package io.sheepdog.daemon.api;

/**
 * One member as {@code collie node list} and {@code node info} show it.
 *
 * @param id            the node id (FNV-1a of address and port), shown in hex
 * @param host          the address sheep listens on
 * @param port          the sheep protocol port
 * @param nbdPort       the NBD port
 * @param vnodes        number of virtual nodes on the ring (0 for a gateway-only node)
 * @param zone          failure zone
 * @param capacityBytes store capacity
 * @param usedBytes     store bytes used
 * @param freeBytes     store bytes available
 * @param self          true for the node that answered
 */
public record NodeInfo(long id, String host, int port, int nbdPort, int vnodes, int zone, long capacityBytes,
                       long usedBytes, long freeBytes, boolean self) {
}
