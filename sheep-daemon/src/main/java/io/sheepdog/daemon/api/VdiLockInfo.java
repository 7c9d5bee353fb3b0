package io.sheepdog.daemon.api;

/**
 * The write lock of one working VDI, as {@code collie vdi lock list} and {@code vm list} show it (docs/operations.md,
 * "Attach locks").
 *
 * @param vdi         the VDI name
 * @param client      the holder's host address, as its node sees it
 * @param node        the node it is attached through (host:port)
 * @param sinceMillis when the lock was granted
 * @param generation  the lock's generation (its fencing token); {@code vdi lock unlock} names it
 * @param shared      true for a shared VDI, whose writers take no lock (the other fields are then empty)
 * @param migrateTo   the node (id in hex) a migration may move the lock to, empty if none
 * @param standby     the migration's destination once attached ("HOST through node H:P"), empty if none
 */
public record VdiLockInfo(String vdi, String client, String node, long sinceMillis, long generation, boolean shared,
                          String migrateTo, String standby) {
}
