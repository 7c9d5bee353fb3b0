package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * N sheep daemons as real processes ({@link SheepProcess}) on free loopback ports, joined into one cluster: node 0
 * starts first, the others join it. Each node's work directory is {@code WORK/node<i>} (store, PID file, logs).
 *
 * <pre>{@code
 * try (ProcessCluster c = ProcessCluster.builder(tempDir).nodes(3).copies(3).start()) {
 *     VdiInfo v = c.client(0).create("disk", 16 << 20, 0);
 *     c.sheep(1).kill9();
 * }
 * }</pre>
 *
 * <p>Every node is started with {@code --join} naming the sheep ports of all the other nodes, as
 * scripts/start-sheepdog does, so a node restarted while others run (node 0 included) finds them instead of
 * founding a cluster of its own. Unlike {@link MiniCluster} a node can be killed ({@code kill -9}).
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class ProcessCluster extends AbstractTestCluster {
    private final List<SheepProcess> nodes;

    private ProcessCluster(ProcessClusterBuilder options, List<SheepProcess> nodes) {
        super(nodes.size(), options.awaitTimeout);
        this.nodes = List.copyOf(nodes);
    }

    public static ProcessClusterBuilder builder(Path workDir) {
        return new ProcessClusterBuilder(workDir);
    }

    static ProcessCluster start(ProcessClusterBuilder b) {
        int[][] ports = ClusterPorts.pick(b.nodes);
        List<CompletableFuture<SheepProcess>> starts = new ArrayList<>();
        // Own threads: the common pool may have a single thread on a small machine, which would serialise starts.
        ExecutorService launcher = Executors.newFixedThreadPool(Math.max(1, b.nodes - 1));
        try {
            // Node 0 alone first: the others must find a cluster to join, not found several at once.
            starts.add(CompletableFuture.completedFuture(launch(b, ports, 0)));
            for (int i = 1; i < b.nodes; i++) {
                int node = i;
                starts.add(CompletableFuture.supplyAsync(() -> launch(b, ports, node), launcher));
            }
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            closeAll(starts);
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException re ? re : e;
        } finally {
            launcher.shutdown();
        }
        ProcessCluster cluster = new ProcessCluster(b, starts.stream().map(CompletableFuture::join).toList());
        try {
            cluster.settle(b.nodes, b.effectiveCopies());
            return cluster;
        } catch (SheepException e) {
            cluster.close();
            throw new IllegalStateException("cannot format the process cluster: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static SheepProcess launch(ProcessClusterBuilder b, int[][] ports, int node) {
        List<Integer> others = new ArrayList<>();
        List<String> otherAddresses = new ArrayList<>();
        for (int k = 0; k < ports.length; k++) {
            if (k != node) {
                others.add(ports[k][0]);
                otherAddresses.add((b.network != null ? b.network.host(k) : SheepProcess.HOST) + ":" + ports[k][0]);
            }
        }
        var builder = SheepProcess.builder(b.dir.resolve("node" + node)).ports(ports[node][0], ports[node][1])
                .zone(b.zoneOf(node)).readyTimeout(b.awaitTimeout)
                .daemonArgs(b.daemonArgs.toArray(String[]::new)).jvmArgs(b.jvmArgs.toArray(String[]::new));
        if (b.network != null) {
            builder.host(b.network.host(node)).launcher(b.network.launcher(node)).joinAddresses(otherAddresses);
        } else {
            builder.join(others);
        }
        if (b.readPolicy != null) {
            builder.readPolicy(b.readPolicy);
        }
        if (b.gateways.contains(node)) {
            builder.daemonArgs("-g");
        }
        return builder.start();
    }

    private static void closeAll(List<CompletableFuture<SheepProcess>> starts) {
        for (CompletableFuture<SheepProcess> f : starts) {
            // A start still under way finishes (or fails) first: nothing may be left running.
            try {
                f.join().close();
            } catch (RuntimeException ignored) {
                // That start failed: its process is gone already (SheepProcess kills what did not become ready).
            }
        }
    }

    /** The process of node {@code i}: {@code kill9()}, {@code stop()}, {@code startAgain()}, logs. */
    public SheepProcess sheep(int i) {
        return nodes.get(i);
    }

    @Override
    public int size() {
        return nodes.size();
    }

    @Override
    public NodeEndpoint endpoint(int i) {
        SheepProcess p = nodes.get(i);
        return new NodeEndpoint(i, p.host(), p.port(), p.nbdPort());
    }

    @Override
    public boolean isRunning(int i) {
        return nodes.get(i).isAlive();
    }

    @Override
    public Path storeDir(int i) {
        return nodes.get(i).storeDir();
    }

    /** Kills node {@code i} with SIGKILL (nothing flushed, the others notice at once). */
    public void kill9(int i) {
        closeClient(i);
        nodes.get(i).kill9();
    }

    /** Stops node {@code i} with SIGTERM (a clean shutdown). */
    public void stop(int i) {
        closeClient(i);
        nodes.get(i).stop();
    }

    /**
     * Stops node {@code i} if it runs, waits until the running nodes no longer list it, then starts it again on the
     * same store and ports and waits until it is ready: a restart after the others excluded the node (and, after
     * {@link #kill9}, moved to an epoch without it). {@code sheep(i).startAgain()} restarts at once, before they
     * may have noticed; {@code QuickRestartIT} covers both.
     */
    public void restart(int i) {
        closeClient(i);
        SheepProcess node = nodes.get(i);
        if (node.isAlive()) {
            node.stop();
        }
        String member = endpoint(i).host() + ":" + endpoint(i).port();
        List<NodeEndpoint> others = runningEndpoints();
        if (!others.isEmpty()) {
            Poll.until(this + " forgetting node " + i, awaitTimeout(), whyNot -> {
                for (NodeEndpoint n : others) {
                    try (SheepClient c = n.connect()) {
                        if (c.nodes().stream().anyMatch(m -> (m.host() + ":" + m.port()).equals(member))) {
                            whyNot.append(n).append(" still lists ").append(member);
                            return Optional.empty();
                        }
                    }
                }
                return Optional.of(Boolean.TRUE);
            });
        }
        node.startAgain();
    }

    /** Every node's log (all runs), for assertions such as "no Netty LEAK report". */
    public String logs() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            all.append("==== node ").append(i).append('\n').append(nodes.get(i).log());
        }
        return all.toString();
    }

    /** The last lines of every node's log, for failure messages. */
    public String logTails() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            all.append("==== node ").append(i).append('\n').append(nodes.get(i).logTail());
        }
        return all.toString();
    }

    /** Stops node {@code i} (SIGTERM, then SIGKILL). */
    @Override
    void closeNode(int i) {
        nodes.get(i).close();
    }

    @Override
    public String toString() {
        return "process cluster " + endpoints();
    }
}
