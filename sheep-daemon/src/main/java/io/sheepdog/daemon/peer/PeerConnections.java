package io.sheepdog.daemon.peer;

import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.membership.NodeAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pipelined connection per peer sheep ("host:port"), opened on first use on a shared event loop group and
 * replaced when it broke or could not be opened (the next request after a failure connects again). Every request to a
 * peer shares its connection; the sheep protocol matches answers by request id, so nothing waits on anything else.
 *
 * <p>{@link #close()} closes every connection (requests in flight fail with NETWORK_ERROR); the event loop group
 * belongs to the caller. Thread-safe.
 */
public final class PeerConnections implements AutoCloseable {

    private final EventLoopGroup group;
    private final SheepClientConfig config;
    private final ConcurrentHashMap<String, CompletableFuture<PeerClient>> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param group  the event loops of every peer connection (from {@code SheepTransport.newEventLoopGroup}); not
     *               shut down here
     * @param config connect and request timeouts (a peer answering nothing within the request timeout fails the
     *               request with NETWORK_ERROR) and the frame cap
     */
    public PeerConnections(EventLoopGroup group, SheepClientConfig config) {
        this.group = Objects.requireNonNull(group, "group");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The event loop group the connections run on (also fine for short timers). */
    public EventLoopGroup group() {
        return group;
    }

    /** The connection to {@code node}'s sheep port, opened if needed; fails with a SheepException (NETWORK_ERROR). */
    public CompletableFuture<PeerClient> get(NodeAddress node) {
        return get(node.host(), node.port());
    }

    /** The connection to the sheep at {@code host:port}, opened if needed. */
    public CompletableFuture<PeerClient> get(String host, int port) {
        if (closed) {
            return CompletableFuture.failedFuture(shutdown());
        }
        String key = key(host, port);
        List<CompletableFuture<PeerClient>> replaced = new ArrayList<>(1);
        CompletableFuture<PeerClient> f = peers.compute(key, (k, current) -> {
            if (usable(current)) {
                return current;
            }
            if (current != null) {
                replaced.add(current);
            }
            return SheepClient.connectAsync(group, host, port, config).thenApply(PeerClient::new);
        });
        replaced.forEach(PeerConnections::closeQuietly);
        if (closed) {
            // close() ran while we connected: it may have missed this one.
            peers.remove(key, f);
            closeQuietly(f);
            return CompletableFuture.failedFuture(shutdown());
        }
        return f;
    }

    /**
     * Closes the connections to every peer not in {@code nodes} (the data nodes of the current epoch): a node that
     * left the cluster would otherwise keep a socket, its buffers and a reconnect target for as long as this sheep
     * runs. A request in flight on a closed connection fails with NETWORK_ERROR, which the gateway retries under
     * the new epoch; a later {@link #get} of a dropped peer connects again.
     */
    public void retainOnly(Collection<NodeAddress> nodes) {
        Set<String> keep = new HashSet<>();
        for (NodeAddress n : nodes) {
            keep.add(key(n.host(), n.port()));
        }
        for (String key : List.copyOf(peers.keySet())) {
            if (!keep.contains(key)) {
                CompletableFuture<PeerClient> f = peers.remove(key);
                if (f != null) {
                    closeQuietly(f);
                }
            }
        }
    }

    /** Number of peers with a connection open or opening (for tests and metrics). */
    public int size() {
        return peers.size();
    }

    /** Closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (String key : List.copyOf(peers.keySet())) {
            CompletableFuture<PeerClient> f = peers.remove(key);
            if (f != null) {
                closeQuietly(f);
            }
        }
    }

    private static String key(String host, int port) {
        return host + ":" + port;
    }

    /** Opening, or open and not broken. */
    private static boolean usable(CompletableFuture<PeerClient> f) {
        if (f == null) {
            return false;
        }
        if (!f.isDone()) {
            return true;
        }
        return !f.isCompletedExceptionally() && f.join().connection().isOpen();
    }

    private static void closeQuietly(CompletableFuture<PeerClient> f) {
        // An opening connection is closed once it is open; a failed one holds nothing.
        f.thenAccept(c -> c.connection().close());
    }

    private static SheepException shutdown() {
        return new SheepException(ResultCode.SHUTDOWN, "peer connections are closed");
    }
}
