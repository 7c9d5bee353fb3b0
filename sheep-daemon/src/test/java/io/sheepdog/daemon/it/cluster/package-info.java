/**
 * Integration tests of a multi-node cluster on the loopback address (failsafe, {@code *IT}, tag {@code cluster}):
 * replicated data read back through every node with outside NBD clients, replicas found on disk exactly where the
 * placement ring puts them, zones respected, NBD conformance through a node other than the one that created the
 * VDI, and the in-process {@link io.sheepdog.daemon.testing.cluster.MiniCluster} itself.
 */
package io.sheepdog.daemon.it.cluster;
