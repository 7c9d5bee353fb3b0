package io.sheepdog.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.PooledByteBufAllocator;
import io.sheepdog.daemon.cluster.ClusterState;
import io.sheepdog.daemon.cluster.LocalClusterOps;
import io.sheepdog.daemon.gateway.KeyedSerializer;
import io.sheepdog.daemon.gateway.LocalObjectGateway;
import io.sheepdog.daemon.nbd.VdiExportProvider;
import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.vdi.VdiIo;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.daemon.vdi.VdiTable;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.nbd.server.NbdServer;
import io.sheepdog.nbd.server.NbdServerConfig;
import io.sheepdog.store.LocalStore;
import io.sheepdog.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running sheep: opens the store, loads the cluster state and the VDIs, and serves the sheep protocol and NBD.
 * {@link #close()} stops serving, makes every write durable and closes the store; it is safe to call twice.
 */
public final class SheepDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SheepDaemon.class);

    private final SheepConfig config;
    private final LocalStore store;
    private final ExecutorService ioExecutor;
    private final SheepServer sheepServer;
    private final NbdServer nbdServer;
    private final NodeAddress self;
    private int port;
    private int nbdPort;
    private boolean closed;

    private SheepDaemon(SheepConfig config, LocalStore store, ExecutorService ioExecutor, SheepServer sheepServer,
                        NbdServer nbdServer, NodeAddress self) {
        this.config = config;
        this.store = store;
        this.ioExecutor = ioExecutor;
        this.sheepServer = sheepServer;
        this.nbdServer = nbdServer;
        this.self = self;
    }

    /** Opens the store and starts both servers. On failure everything opened so far is closed again. */
    public static SheepDaemon start(SheepConfig config) throws IOException {
        LOG.info("starting sheep: store {} bind {} port {} nbd-port {} zone {} io-threads {}", config.storeDir(),
                config.bind().getHostAddress(), config.port(), config.nbdPort(), config.zone(), config.ioThreads());
        LocalStore store = LocalStore.open(config.storeDir());
        ExecutorService io = Executors.newFixedThreadPool(config.ioThreads(), daemonThreads("sheep-io-"));
        SheepDaemon daemon = null;
        try {
            ObjectMapper json = new ObjectMapper();
            Clock clock = Clock.systemUTC();
            ClusterState cluster = new ClusterState(store.metadata(), json);
            NodeAddress self = new NodeAddress(NodeId.of(config.bind(), config.port()),
                    config.bind().getHostAddress(), config.port(), config.nbdPort(), config.zone(), config.vnodes());
            LocalObjectGateway gateway = new LocalObjectGateway(store.objects(), io, cluster::epoch);
            VdiIo vdiIo = new VdiIo(gateway, new KeyedSerializer(), PooledByteBufAllocator.DEFAULT);
            VdiService vdis = new VdiService(cluster, new VdiTable(store.metadata(), json), gateway, vdiIo, clock);
            vdis.loadInodes();
            LocalClusterOps clusterOps = new LocalClusterOps(cluster, vdis, store.objects(), self, clock);
            SheepServer sheepServer = new SheepServer(SheepServerConfig.of(config.bind().getHostAddress(), config.port()),
                    clusterOps, vdis);
            NbdServer nbd = new NbdServer(NbdServerConfig.builder().bindAddress(config.bind())
                    .port(config.nbdPort()).build(), new VdiExportProvider(vdis));
            daemon = new SheepDaemon(config, store, io, sheepServer, nbd, self);
            daemon.port = sheepServer.start();
            daemon.nbdPort = nbd.start();
            LOG.info("sheep {} ready: sheep protocol on {}:{}, NBD on {}:{}", self.id(),
                    config.bind().getHostAddress(), daemon.port, config.bind().getHostAddress(), daemon.nbdPort);
            return daemon;
        } catch (IOException | RuntimeException e) {
            if (daemon != null) {
                daemon.close();
            } else {
                io.shutdownNow();
                store.close();
            }
            throw e;
        }
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping sheep");
        closeQuietly("NBD server", nbdServer);
        closeQuietly("sheep server", sheepServer);
        ioExecutor.shutdown();
        try {
            if (!ioExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("store I/O still running after 30 s; closing the store anyway");
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
