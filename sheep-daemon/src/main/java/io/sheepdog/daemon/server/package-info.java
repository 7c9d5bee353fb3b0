/**
 * The sheep protocol server: {@link io.sheepdog.daemon.server.SheepServer} listens, frames requests with the codec of
 * {@code daemon.proto}, and {@link io.sheepdog.daemon.server.SheepRequestAdapter} turns each request into a call on
 * the daemon's {@code ClusterOps} or {@code VdiOps}: administrative calls on a worker executor (they block), VDI I/O
 * through the asynchronous methods straight from the event loop (they must not block). Requests of other sheep
 * (the {@code PEER_*} opcodes) go to {@link io.sheepdog.daemon.peer.PeerOps} the same way. Failures travel back as
 * result codes with a message.
 */
package io.sheepdog.daemon.server;
