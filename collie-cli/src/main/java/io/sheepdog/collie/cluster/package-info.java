/**
 * {@code collie cluster}: format the cluster, show its status and epoch history (dog's cluster.c), and simulate
 * placement offline.
 */
package io.sheepdog.collie.cluster;
