/**
 * {@code collie cluster}: format the cluster, show its status and epoch history, shut it down, force recovery of a
 * restarted cluster that waits for nodes (dog's cluster.c), and simulate placement offline.
 */
package io.sheepdog.collie.cluster;
