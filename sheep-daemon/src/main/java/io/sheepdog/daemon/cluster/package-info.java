/**
 * The cluster as one sheep knows it: the format record (cluster id, default copies, strictness, creation time),
 * the epoch history, the placement of the current epoch ({@link io.sheepdog.daemon.cluster.EpochPlacement}), and
 * the cluster administration operations, all over the replicated cluster metadata. Depends on {@code vdi} (cluster
 * operations list and check VDIs); {@code vdi} does not depend on it.
 */
package io.sheepdog.daemon.cluster;
