/**
 * Object-level I/O as the VDI layer sees it: {@link io.sheepdog.daemon.gateway.ObjectGateway} reads and writes
 * whole objects by id wherever they live. {@link io.sheepdog.daemon.gateway.ReplicatingObjectGateway} (the only
 * implementation, one-node clusters and unit tests included) forwards each request to
 * the object's replica nodes of the current epoch ({@link io.sheepdog.daemon.peer.Placement}): writes to all of
 * them, reads to one chosen by {@link io.sheepdog.daemon.gateway.ReadPolicy}, retrying under
 * {@link io.sheepdog.daemon.peer.EpochRetry} when the epochs disagree.
 * Replicas are reached through {@code daemon.peer} ({@link io.sheepdog.daemon.peer.PeerRouter}): this node's own
 * directly, the others' over the peer protocol. {@link io.sheepdog.daemon.gateway.GatewayMetrics} holds what the
 * gateway counts.
 * {@link io.sheepdog.daemon.gateway.KeyedSerializer} orders the requests that touch one object without blocking
 * threads.
 */
package io.sheepdog.daemon.gateway;
