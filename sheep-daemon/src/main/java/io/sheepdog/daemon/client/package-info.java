/**
 * The sheep protocol client: {@link io.sheepdog.daemon.client.SheepClient} implements {@code ClusterOps} and
 * {@code VdiOps} against a remote sheep over one connection, with any number of requests in flight matched by request
 * id, a per-request timeout, and every failure reported as a {@code SheepException} (NETWORK_ERROR when the sheep
 * cannot be reached or the connection breaks). Used by collie, and by {@code daemon.peer}, whose
 * {@link io.sheepdog.daemon.peer.PeerClient} speaks the peer opcodes over a SheepClient. Depends on nothing of the
 * daemon but {@code api} and {@code proto}, so collie can ship it without the daemon's store and membership.
 */
package io.sheepdog.daemon.client;
