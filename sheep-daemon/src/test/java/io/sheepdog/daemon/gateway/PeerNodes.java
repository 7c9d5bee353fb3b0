package io.sheepdog.daemon.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.SheepTimings;
import io.sheepdog.daemon.peer.EpochRetry;
import io.sheepdog.daemon.peer.LocalPeerOps;
import io.sheepdog.daemon.peer.PeerConnections;
import io.sheepdog.daemon.peer.PeerRouter;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N sheep protocol servers in this JVM, each serving its own {@link MemoryObjectStore} through {@link LocalPeerOps}
 * (port 0, zone = index, 128 vnodes), plus shared peer connections for gateways on any of them. Every epoch starts
 * at 1. Not a mini cluster: no membership, no VDI service; just replicas and the peer protocol.
 */
final class PeerNodes implements AutoCloseable {

    /** VDI ids whose objects have 3 and 2 copies. */
    static final int VID_3_COPIES = 0x31;
    static final int VID_2_COPIES = 0x22;

    /** One node. */
    static final class Node {
        final AtomicLong epoch = new AtomicLong(1);
        final MemoryObjectStore memory = new MemoryObjectStore();
        final CountingObjectStore store = new CountingObjectStore(memory);
        final ObservedPeerOps ops;
        final SheepServer server;
        NodeAddress address;

        Node(ExecutorService io) {
            ops = new ObservedPeerOps(new LocalPeerOps(store, io, epoch::get));
            FakeSheep fake = new FakeSheep();
            server = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), fake, fake, ops);
        }
    }

    final List<Node> nodes = new ArrayList<>();
    final PeerConnections peers;
    private final ExecutorService io = Executors.newFixedThreadPool(4);
    private final EventLoopGroup group = SheepTransport.newEventLoopGroup(2, "test-peers", true);

    PeerNodes(int n, Duration requestTimeout) throws IOException {
        peers = new PeerConnections(group, new SheepClientConfig(requestTimeout, requestTimeout,
                SheepProtocol.DEFAULT_MAX_FRAME_SIZE));
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < n; i++) {
            Node node = new Node(io);
            nodes.add(node);
            int port = node.server.start();
            node.address = new NodeAddress(NodeId.of(loopback, port), "127.0.0.1", port, 0, i, 128);
        }
    }

    Node node(int i) {
        return nodes.get(i);
    }

    List<NodeAddress> addresses() {
        return nodes.stream().map(n -> n.address).toList();
    }

    /** The node holding {@code address}. */
    Node at(NodeAddress address) {
        return nodes.stream().filter(n -> n.address.equals(address)).findFirst().orElseThrow();
    }

    /** The placement as node {@code i} sees it (its own epoch). */
    FixedPlacement placement(int i) {
        return new FixedPlacement(node(i).epoch::get, node(i).address.id(), addresses());
    }

    /** A gateway on node {@code i}. */
    ReplicatingObjectGateway gateway(int i, ReadPolicy policy, Duration timeout) {
        return gateway(i, policy, timeout, new GatewayMetrics(new SimpleMeterRegistry()));
    }

    /** A gateway on node {@code i} that counts into {@code metrics}. */
    ReplicatingObjectGateway gateway(int i, ReadPolicy policy, Duration timeout, GatewayMetrics metrics) {
        FixedPlacement placement = placement(i);
        return new ReplicatingObjectGateway(placement, policy, PeerNodes::copies, () -> false,
                new PeerRouter(placement.self(), node(i).ops, peers), new EpochRetry(placement::epoch,
                        SheepTimings.DEFAULTS.gatewayRetry().withTimeout(timeout), group),
                metrics);
    }

    static int copies(int vid) {
        return vid == VID_2_COPIES ? 2 : 3;
    }

    void resetCounters() {
        nodes.forEach(n -> n.store.reset());
    }

    @Override
    public void close() throws Exception {
        for (Node n : nodes) {
            n.ops.releaseHung();
        }
        peers.close();
        for (Node n : nodes) {
            n.server.close();
        }
        io.shutdown();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (!io.awaitTermination(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("store threads did not stop");
        }
    }
}
