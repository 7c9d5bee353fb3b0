package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.SheepConfig;
import io.sheepdog.daemon.SheepDaemon;
import io.sheepdog.daemon.SheepTimings;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.membership.MembershipConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N real sheep daemons in this JVM ({@link SheepDaemon#start}), each with its own store directory, real sockets on
 * free loopback ports (sheep, NBD and the two membership ports above the sheep port) and the real JGroups
 * membership and Raft metadata. Node 0 starts first and the others join it.
 *
 * <pre>{@code
 * try (MiniCluster c = MiniCluster.builder(tempDir).nodes(3).copies(2).start()) {
 *     VdiInfo v = c.client(1).create("disk", 64 << 20, 0);
 *     c.stop(2);
 *     c.awaitMembers(2);
 *     c.restart(2);
 *     c.awaitMembers(3);
 * }
 * }</pre>
 *
 * <p>Every node's membership lists the membership ports of all nodes, as scripts/start-sheepdog does, so a node
 * restarted while others run (node 0 included) finds them instead of founding a cluster of its own.
 *
 * <p>Stopping a node here is a clean {@link SheepDaemon#close()} (everything flushed, the membership left): a daemon
 * in this JVM cannot be killed without it. A daemon also stops itself on {@code collie cluster shutdown}; it then
 * no longer counts as running, and {@link #start} brings it back. Crashes ({@code kill -9}) are for the process harness
 * ({@link ProcessCluster}).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class MiniCluster extends AbstractTestCluster {
    private static final Logger LOG = LoggerFactory.getLogger(MiniCluster.class);

    private final List<SheepConfig> configs;
    private final SheepDaemon[] daemons;

    private MiniCluster(MiniClusterBuilder options, List<SheepConfig> configs) {
        super(configs.size(), options.awaitTimeout);
        this.configs = List.copyOf(configs);
        this.daemons = new SheepDaemon[configs.size()];
    }

    public static MiniClusterBuilder builder(Path baseDir) {
        return new MiniClusterBuilder(baseDir);
    }

    static MiniCluster start(MiniClusterBuilder b) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int[][] ports = ClusterPorts.pick(b.nodes);
        List<String> membershipHosts = new ArrayList<>();
        for (int[] p : ports) {
            membershipHosts.add(loopback.getHostAddress() + ":" + (p[0] + MembershipConfig.PORT_OFFSET));
        }
        MembershipConfig.TcpJoin discovery = MembershipConfig.TcpJoin.parse(String.join(",", membershipHosts));
        List<SheepConfig> configs = new ArrayList<>();
        for (int i = 0; i < b.nodes; i++) {
            configs.add(new SheepConfig(b.dir.resolve("node" + i), loopback, ports[i][0], ports[i][1],
                    b.zoneOf(i), OptionalInt.empty(), b.ioThreads, discovery, b.failureDetection, b.readPolicy,
                    SheepTimings.DEFAULTS));
        }
        MiniCluster cluster = new MiniCluster(b, configs);
        try {
            for (int i = 0; i < b.nodes; i++) {
                cluster.startNode(i);
            }
            cluster.settle(b.nodes, b.effectiveCopies());
            return cluster;
        } catch (SheepException e) {
            cluster.close();
            throw new IOException("cannot format the mini cluster: " + e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public int size() {
        return configs.size();
    }

    @Override
    public NodeEndpoint endpoint(int i) {
        SheepConfig c = configs.get(i);
        return new NodeEndpoint(i, c.bind().getHostAddress(), c.port(), c.nbdPort());
    }

    /** Whether node {@code i} runs: started, and neither stopped by the test nor by a cluster shutdown. */
    @Override
    public boolean isRunning(int i) {
        return daemons[i] != null && !daemons[i].stopped().isDone();
    }

    /** The running daemon of node {@code i}. */
    public SheepDaemon daemon(int i) {
        if (!isRunning(i)) {
            throw new IllegalStateException("node " + i + " is not running");
        }
        return daemons[i];
    }

    public SheepConfig config(int i) {
        return configs.get(i);
    }

    @Override
    public Path storeDir(int i) {
        return configs.get(i).storeDir();
    }

    /** Stops node {@code i} cleanly ({@link SheepDaemon#close()}); its store and ports stay its own. */
    public void stop(int i) {
        closeClient(i);
        if (daemons[i] != null) {
            LOG.info("mini cluster: stopping {}", endpoint(i));
            daemons[i].close();
            daemons[i] = null;
        }
    }

    /** Stops node {@code i} if it runs, then starts it again on the same store and ports. */
    public void restart(int i) throws IOException {
        stop(i);
        startNode(i);
    }

    /** Starts node {@code i} again after it stopped (a cluster shutdown, or {@link #stop}). */
    public void start(int i) throws IOException {
        closeClient(i);
        daemons[i] = null;
        startNode(i);
    }

    private void startNode(int i) throws IOException {
        if (isRunning(i)) {
            throw new IllegalStateException("node " + i + " is running");
        }
        LOG.info("mini cluster: starting {} (zone {})", endpoint(i), configs.get(i).zone());
        daemons[i] = SheepDaemon.start(configs.get(i));
    }

    @Override
    void closeNode(int i) {
        stop(i);
    }

    @Override
    public String toString() {
        return "mini cluster " + endpoints();
    }
}
