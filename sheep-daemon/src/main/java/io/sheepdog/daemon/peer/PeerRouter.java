package io.sheepdog.daemon.peer;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Sends one peer operation to one node: to this node's own replicas directly, to another node's over its pooled
 * connection. Every caller that talks to replicas (the gateway, recovery) goes through here, so a node is reached one
 * way and its failures read one way: a failed call completes with a {@link SheepException} whose message starts with
 * the node ("node 10.0.0.2:7000: ..."), its code unchanged, so retry decisions ({@link EpochRetry}) still see
 * OLD_NODE_VER, NEW_NODE_VER and NETWORK_ERROR. Thread-safe.
 */
public final class PeerRouter {

    private final NodeId self;
    private final PeerOps local;
    private final PeerConnections remote;

    /**
     * @param self   this node
     * @param local  this node's replicas
     * @param remote connections to the other nodes
     */
    public PeerRouter(NodeId self, PeerOps local, PeerConnections remote) {
        this.self = Objects.requireNonNull(self, "self");
        this.local = Objects.requireNonNull(local, "local");
        this.remote = Objects.requireNonNull(remote, "remote");
    }

    /** Whether {@code node} is this node. */
    public boolean isSelf(NodeAddress node) {
        return node.id().equals(self);
    }

    /** The pooled connection to another node, for the control calls that are not peer operations. */
    public CompletableFuture<PeerClient> connection(NodeAddress node) {
        return remote.get(node);
    }

    /** Runs {@code op} on {@code node}'s replicas; failures become SheepExceptions naming the node. */
    public <T> CompletableFuture<T> on(NodeAddress node, Function<PeerOps, CompletableFuture<T>> op) {
        CompletableFuture<T> call;
        try {
            call = isSelf(node) ? op.apply(local) : remote.get(node).thenCompose(op);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        call.whenComplete((v, t) -> {
            if (t == null) {
                result.complete(v);
            } else {
                result.completeExceptionally(named(node, SheepException.unwrap(t)));
            }
        });
        return result;
    }

    private SheepException named(NodeAddress node, Throwable t) {
        String who = "node " + node.hostPort() + (isSelf(node) ? " (this node)" : "");
        if (t instanceof SheepException se) {
            return new SheepException(se.result(), who + ": " + se.getMessage(), se);
        }
        return new SheepException(ResultCode.UNKNOWN, who + ": " + t, t);
    }
}
