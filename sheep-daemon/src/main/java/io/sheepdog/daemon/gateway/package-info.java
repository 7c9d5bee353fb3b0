/**
 * Object-level I/O as the VDI layer sees it: {@link io.sheepdog.daemon.gateway.ObjectGateway} reads and writes
 * whole objects by id wherever they live. {@link io.sheepdog.daemon.gateway.ReplicatingObjectGateway} (the only
 * implementation, one-node clusters and unit tests included) forwards each request to
 * the object's replica nodes of the current epoch ({@link io.sheepdog.daemon.gateway.Placement}): writes to all of
 * them, reads to one chosen by {@link io.sheepdog.daemon.gateway.ReadPolicy}, retrying under
 * {@link io.sheepdog.daemon.gateway.EpochRetry} when the epochs disagree.
 * {@link io.sheepdog.daemon.gateway.LocalPeerOps} is this node's side of the peer protocol: its replicas, served to
 * its own gateway directly and to the other nodes' through the sheep server.
 * {@link io.sheepdog.daemon.gateway.KeyedSerializer} orders the requests that touch one object without blocking
 * threads.
 */
package io.sheepdog.daemon.gateway;
