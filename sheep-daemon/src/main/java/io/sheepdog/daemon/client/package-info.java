/**
 * The sheep protocol client: {@link io.sheepdog.daemon.client.SheepClient} implements {@code ClusterOps} and
 * {@code VdiOps} against a remote sheep over one connection, with any number of requests in flight matched by request
 * id, a per-request timeout, and every failure reported as a {@code SheepException} (NETWORK_ERROR when the sheep
 * cannot be reached or the connection breaks). Used by collie, and by sheep acting as gateways to their peers:
 * {@link io.sheepdog.daemon.client.PeerClient} speaks the peer opcodes over a SheepClient, and
 * {@link io.sheepdog.daemon.client.PeerConnections} keeps one such connection per peer.
 */
package io.sheepdog.daemon.client;
