/**
 * Peer access: how one sheep reaches the replicas of any node, its own included. Everything that talks to replicas
 * (the gateway, recovery, the peer side of the server) depends on this package and on nothing of each other's.
 *
 * <ul>
 * <li>{@link io.sheepdog.daemon.peer.PeerOps}: the operations a node offers on the replicas it stores (the
 *     {@code PEER_*} opcodes), every call stamped with the sender's epoch.</li>
 * <li>{@link io.sheepdog.daemon.peer.LocalPeerOps}: this node's side, over its store, fenced by epoch
 *     ({@link io.sheepdog.daemon.peer.EpochFence}) and, in its gated view, held back by recovery
 *     ({@link io.sheepdog.daemon.peer.ObjectGate}).</li>
 * <li>{@link io.sheepdog.daemon.peer.PeerClient} and {@link io.sheepdog.daemon.peer.PeerConnections}: another
 *     node's side, over one pooled sheep-protocol connection per peer.</li>
 * <li>{@link io.sheepdog.daemon.peer.PeerRouter}: the one way to send an operation to a node (local or remote),
 *     failures naming the node; {@link io.sheepdog.daemon.peer.EpochRetry}: the one way to run a request again
 *     under the next epoch when the epochs disagree or a replica cannot be reached.</li>
 * <li>{@link io.sheepdog.daemon.peer.Placement}: which nodes hold an object in the current epoch.</li>
 * <li>{@link io.sheepdog.daemon.peer.Scheduler}: where retry and recovery logic waits (with a
 *     {@code Ticker} for the time), so tests step a manual clock; {@code EpochRetryConfig}: the retry's timings.</li>
 * </ul>
 */
package io.sheepdog.daemon.peer;
