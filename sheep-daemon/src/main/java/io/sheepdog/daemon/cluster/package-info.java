/**
 * The cluster as one sheep knows it: the format record (cluster id, default copies, strictness, creation time),
 * the epoch history, and the cluster administration operations. In a one-node cluster the state lives in the
 * node's metadata store; the replicated cluster metadata takes its place when nodes join.
 */
package io.sheepdog.daemon.cluster;
