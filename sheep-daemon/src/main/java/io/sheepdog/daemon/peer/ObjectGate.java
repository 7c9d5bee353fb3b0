package io.sheepdog.daemon.peer;

import java.util.concurrent.CompletableFuture;

/**
 * Holds back requests for replicas this node does not hold correctly yet. While the node recovers an epoch, a
 * request for an object it must recover waits until the object is recovered (which moves it to the front of the
 * queue), so a replica is never served or written while empty or behind. Implemented by
 * {@code recovery.RecoveryManager}.
 */
public interface ObjectGate {

    /** A gate that never holds anything back. */
    ObjectGate OPEN = oid -> CompletableFuture.completedFuture(null);

    /**
     * Completes when this node's replica of {@code oid} may be used: at once if it needs no recovery, else after it
     * was recovered; fails (EIO) if it could not be recovered from any node.
     */
    CompletableFuture<Void> ready(long oid);
}
