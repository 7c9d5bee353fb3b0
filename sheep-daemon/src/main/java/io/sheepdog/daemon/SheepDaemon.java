package io.sheepdog.daemon;

import com.google.common.base.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.cluster.ClusterService;
import io.sheepdog.daemon.cluster.ClusterShutdownHook;
import io.sheepdog.daemon.cluster.EpochPlacement;
import io.sheepdog.daemon.cluster.NodeStatsBoard;
import io.sheepdog.daemon.cluster.PeerSnapshotFreezer;
import io.sheepdog.daemon.gateway.GatewayMetrics;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.ReplicatingObjectGateway;
import io.sheepdog.daemon.nbd.VdiExportProvider;
import io.sheepdog.daemon.peer.EpochRetry;
import io.sheepdog.daemon.peer.LocalPeerOps;
import io.sheepdog.daemon.peer.PeerConnections;
import io.sheepdog.daemon.peer.PeerRouter;
import io.sheepdog.daemon.peer.Scheduler;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.daemon.recovery.RecoveryManager;
import io.sheepdog.daemon.recovery.RecoveryMetrics;
import io.sheepdog.daemon.security.NodeKeys;
import io.sheepdog.daemon.security.TlsContexts;
import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.vdi.VdiCopies;
import io.sheepdog.daemon.vdi.VdiLocks;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.NodeWeights;
import io.sheepdog.membership.jgroups.raft.JGroupsRaftNode;
import io.sheepdog.membership.meta.ClusterNode;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.MetadataConfig;
import io.sheepdog.nbd.server.NbdServer;
import io.sheepdog.nbd.server.NbdServerConfig;
import io.sheepdog.nbd.server.NbdTls;
import io.sheepdog.store.LocalStore;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sheep: opens the store, loads the cluster state and the VDIs, and serves the sheep protocol and NBD.
 * {@link #close()} stops serving, makes every write durable and closes the store; it is safe to call twice.
 */
public final class SheepDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SheepDaemon.class);
    /** Where the replicated metadata's log and snapshots live, inside the store directory. */
    static final String METADATA_DIR = "raft";
    private static final int PEER_THREADS = 2;

    private final SheepConfig config;
    private final LocalStore store;
    private final ExecutorService ioExecutor;
    private final ScheduledExecutorService timer;
    /** Servers, connections and the cluster node, in the order they were opened; closed in reverse. */
    private final List<AutoCloseable> services;
    private final NodeAddress self;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private int port;
    private int nbdPort;
    private boolean closed;

    private SheepDaemon(SheepConfig config, LocalStore store, ExecutorService ioExecutor,
                        ScheduledExecutorService timer, List<AutoCloseable> services, NodeAddress self) {
        this.config = config;
        this.store = store;
        this.ioExecutor = ioExecutor;
        this.timer = timer;
        this.services = services;
        this.self = self;
    }

    /**
     * Opens the store, joins the cluster and starts both servers. On failure everything opened so far is closed
     * again.
     */
    public static SheepDaemon start(SheepConfig config) throws IOException {
        LOG.info("starting sheep: store {} bind {} port {} nbd-port {} zone {} io-threads {} read-policy {}",
                config.storeDir(), config.bind().getHostAddress(), config.port(), config.nbdPort(), config.zone(),
                config.ioThreads(), config.readPolicy());
        SheepTimings timings = config.timings();
        LOG.info("timings: {}", timings);
        LocalStore store = LocalStore.open(config.storeDir());
        ExecutorService io = Executors.newFixedThreadPool(config.ioThreads(), daemonThreads("sheep-store-"));
        MeterRegistry meters = new SimpleMeterRegistry();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("sheep-timer-"));
        EventLoopGroup peerGroup = SheepTransport.newEventLoopGroup(PEER_THREADS, "sheep-peer", true);
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(() -> peerGroup.shutdownGracefully(0, timings.peerLoopShutdown().toNanos(), TimeUnit.NANOSECONDS));
        try {
            int vnodes = config.vnodes().orElse(NodeWeights.defaultVnodes(store.objects().stats().capacityBytes()));
            NodeAddress self = new NodeAddress(NodeId.of(config.bind(), config.port()),
                    config.bind().getHostAddress(), config.port(), config.nbdPort(), config.zone(), vnodes);
            Optional<TlsContexts> tls = config.security().keys().isEmpty() ? Optional.empty()
                    : Optional.of(NodeKeys.load(config.security().keys().get(), self.host(), self.port(),
                    Instant.now()));
            tls.ifPresent(t -> LOG.info("keys {}: {}, cluster CA '{}'", config.security().keys().get(),
                    t.credentials().identity().describe(), t.credentials().ca().getSubjectX500Principal()));
            MembershipConfig membershipConfig = MembershipConfig.of(self, config.discovery())
                    .withFailureDetection(config.failureDetection()).withTls(tls.map(TlsContexts::nodesOnly));
            LOG.info("membership: {}", membershipConfig.describe());
            JGroupsRaftNode cluster = new JGroupsRaftNode(membershipConfig,
                    MetadataConfig.of(config.storeDir().resolve(METADATA_DIR)));
            opened.add(cluster);
            cluster.start();
            EpochPlacement placement = new EpochPlacement(cluster.metadata(), self.id());
            LongSupplier epoch = () -> cluster.metadata().state().epochNumber();
            PeerConnections peers = new PeerConnections(peerGroup,
                    timings.peerClient().withTls(tls.map(TlsContexts::client)));
            opened.add(peers);
            VdiCopies copies = new VdiCopies(cluster.metadata());
            GatewayMetrics gatewayMetrics = new GatewayMetrics(meters);
            // Dependency order, no setters: recovery reads this node's replicas through the open view; gateways and
            // peers use the view gated by recovery (both share one epoch fence).
            LocalPeerOps replicas = new LocalPeerOps(store.objects(), io, epoch);
            RecoveryManager recovery = new RecoveryManager(placement, copies,
                    () -> cluster.metadata().state().retiredVids(), replicas, peers, store.objects(),
                    store.metadata(), () -> serving(cluster), new RecoveryMetrics(meters), gatewayMetrics::repaired,
                    timings.recovery(), Ticker.systemTicker(), Scheduler.of(timer));
            opened.add(recovery);
            LocalPeerOps localPeer = replicas.gatedBy(recovery);
            EpochRetry retry = new EpochRetry(placement::epoch, timings.gatewayRetry(), peerGroup);
            ReplicatingObjectGateway gateway = new ReplicatingObjectGateway(placement, config.readPolicy(), copies,
                    () -> cluster.metadata().state().formatRecord().map(f -> f.strict()).orElse(false),
                    new PeerRouter(self.id(), localPeer, peers), retry, gatewayMetrics);
            cluster.metadata().addListener((command, result, after) -> {
                gateway.epochChanged();
                recovery.epochChanged();
                recovery.sweepRetired(false);
                peers.retainOnly(placement.dataNodes());
            });
            // Also on a timer: a status change without a command (a majority regained) may allow a run to start.
            timer.scheduleWithFixedDelay(recovery::epochChanged, 0, timings.recoveryTick().toMillis(),
                    TimeUnit.MILLISECONDS);
            VdiService vdis = new VdiService(cluster.metadata(), gateway, new KeyedSerializer(),
                    PooledByteBufAllocator.DEFAULT, Clock.systemUTC(), copies, timings.vdi(),
                    new PeerSnapshotFreezer(cluster.membership(), peers));
            VdiLocks locks = new VdiLocks(cluster.metadata(), cluster.membership()::selfInfo, Clock.systemUTC(),
                    Ticker.systemTicker(), timer, timings.locks());
            cluster.metadata().addListener(locks);
            long sweep = timings.reclaimSweep().toMillis();
            timer.scheduleWithFixedDelay(() -> {
                if (cluster.isMetadataLeader()) {
                    vdis.reclaimHidden();
                }
            }, sweep, sweep, TimeUnit.MILLISECONDS);
            NodeStatsBoard stats = new NodeStatsBoard(cluster.membership(), store.objects(), timer,
                    timings.statsPeriod());
            opened.add(stats);
            ClusterService clusterOps = new ClusterService(cluster, vdis, stats, placement, recovery,
                    timings.cluster());
            SheepServer sheepServer = new SheepServer(
                    SheepServerConfig.of(config.bind().getHostAddress(), config.port())
                            .withShutdownTimeout(timings.serverShutdown()).withLimits(config.sheepLimits()),
                    clusterOps, vdis, localPeer, tls.map(TlsContexts::server));
            opened.add(sheepServer);
            NbdServer nbd = new NbdServer(NbdServerConfig.builder().bindAddress(config.bind())
                    .port(config.nbdPort()).shutdownTimeout(timings.nbdShutdown()).limits(config.nbdLimits())
                    .tls(new NbdTls(config.security().nbdMode(), tls.map(TlsContexts::server))).build(),
                    new VdiExportProvider(vdis, locks));
            opened.add(nbd);
            SheepDaemon daemon = new SheepDaemon(config, store, io, timer, List.copyOf(opened), self);
            cluster.metadata().addListener(new ClusterShutdownHook(cluster.membership(),
                    cluster::isMetadataLeader, clusterOps, daemon::close, timings.cluster()));
            daemon.port = sheepServer.start();
            daemon.nbdPort = nbd.start();
            LOG.info("sheep {} ready: sheep protocol on {}:{}, NBD on {}:{}, {} vnodes, cluster {}", self.id(),
                    config.bind().getHostAddress(), daemon.port, config.bind().getHostAddress(), daemon.nbdPort,
                    vnodes, cluster.metadata().status().describe());
            return daemon;
        } catch (IOException | RuntimeException | MembershipException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                closeQuietly("startup leftovers", opened.get(i));
            }
            timer.shutdownNow();
            io.shutdownNow();
            store.close();
            if (e instanceof IOException io2) {
                throw io2;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("cannot join the cluster: " + e.getMessage(), e);
        }
    }

    /** Whether the cluster serves (recovery waits while it waits for the nodes of the last epoch). */
    private static boolean serving(ClusterNode cluster) {
        ClusterStatus.State s = cluster.metadata().status().state();
        return s == ClusterStatus.State.RUNNING || s == ClusterStatus.State.NO_MAJORITY;
    }

    /** The bound sheep protocol port. */
    public int port() {
        return port;
    }

    /** The bound NBD port. */
    public int nbdPort() {
        return nbdPort;
    }

    public NodeAddress self() {
        return self;
    }

    public SheepConfig config() {
        return config;
    }

    /**
     * Completes once the daemon has stopped: closed by its owner, or by itself when the cluster was shut down
     * ({@code collie cluster shutdown}); the owner then ends the process.
     */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping sheep");
        for (int i = services.size() - 1; i >= 0; i--) {
            closeQuietly(services.get(i).getClass().getSimpleName(), services.get(i));
        }
        timer.shutdownNow();
        ioExecutor.shutdown();
        try {
            Duration drain = config.timings().storeDrain();
            if (!ioExecutor.awaitTermination(drain.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.warn("store I/O still running after {} s; closing the store anyway", drain.toSeconds());
                ioExecutor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.objects().flush();
        } catch (StoreException e) {
            LOG.error("final flush failed: {}", e.getMessage());
        }
        closeQuietly("store", store);
        LOG.info("sheep stopped");
        stopped.complete(null);
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing the {} failed: {}", what, e.toString());
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
