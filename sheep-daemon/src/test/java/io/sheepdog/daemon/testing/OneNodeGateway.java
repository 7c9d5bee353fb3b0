package io.sheepdog.daemon.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.SheepTimings;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.gateway.GatewayMetrics;
import io.sheepdog.daemon.gateway.ReadPolicy;
import io.sheepdog.daemon.gateway.ReplicatingObjectGateway;
import io.sheepdog.daemon.peer.EpochRetry;
import io.sheepdog.daemon.peer.LocalPeerOps;
import io.sheepdog.daemon.peer.PeerConnections;
import io.sheepdog.daemon.peer.PeerRouter;
import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.store.ObjectStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The daemon's own object path for a one-node cluster, cheap enough for unit tests: a
 * {@link ReplicatingObjectGateway} whose only replica is this node's {@link LocalPeerOps} over {@code store}, with
 * its epoch fence and missing-object rules. Several of them over one store are several gateways of one node's
 * replicas, each with its own view, as multipath clients see a cluster.
 */
public final class OneNodeGateway implements AutoCloseable {
    /** The one node. */
    public static final NodeAddress SELF = new NodeAddress(new NodeId(1), "127.0.0.1", 7000, 10809, 1, 128);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group = SheepTransport.newEventLoopGroup(1, "one-node-gateway", true);
    private final PeerConnections peers = new PeerConnections(group, new SheepClientConfig(TIMEOUT, TIMEOUT,
            SheepProtocol.DEFAULT_MAX_FRAME_SIZE));
    private final LocalPeerOps local;
    private final ReplicatingObjectGateway gateway;

    /**
     * @param store      the node's store
     * @param ioExecutor where blocking store calls run
     * @param epoch      the node's epoch
     */
    public OneNodeGateway(ObjectStore store, Executor ioExecutor, LongSupplier epoch) {
        local = new LocalPeerOps(store, ioExecutor, epoch);
        OneNode placement = new OneNode(epoch);
        gateway = new ReplicatingObjectGateway(placement, ReadPolicy.LOCAL_FIRST, vid -> 1, () -> false,
                new PeerRouter(SELF.id(), local, peers), new EpochRetry(placement::epoch,
                        SheepTimings.DEFAULTS.gatewayRetry().withTimeout(TIMEOUT), group),
                new GatewayMetrics(new SimpleMeterRegistry()));
    }

    public ReplicatingObjectGateway gateway() {
        return gateway;
    }

    public LocalPeerOps local() {
        return local;
    }

    @Override
    public void close() {
        peers.close();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Every object on {@link #SELF}, the only data node, in the epoch {@code epochs} says. */
    public record OneNode(LongSupplier epochs) implements Placement {
        @Override
        public long epoch() {
            return epochs.getAsLong();
        }

        @Override
        public NodeId self() {
            return SELF.id();
        }

        @Override
        public List<NodeAddress> dataNodes() {
            return List.of(SELF);
        }

        @Override
        public List<NodeAddress> replicas(long oid, int copies) {
            return List.of(SELF);
        }
    }
}
