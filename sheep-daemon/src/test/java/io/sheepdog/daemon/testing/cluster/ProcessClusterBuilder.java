package io.sheepdog.daemon.testing.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Options of a {@link ProcessCluster}; {@link #start()} brings it up. */
public final class ProcessClusterBuilder extends TestClusterBuilder<ProcessClusterBuilder> {
    String readPolicy;
    final List<String> daemonArgs = new ArrayList<>();
    final List<String> jvmArgs = new ArrayList<>();
    final Set<Integer> gateways = new HashSet<>();
    NodeNetwork network;

    ProcessClusterBuilder(Path workDir) {
        super(workDir);
    }

    @Override
    ProcessClusterBuilder self() {
        return this;
    }

    /** {@code --read-policy} of every node; the daemon's default (local-first) unless set. */
    public ProcessClusterBuilder readPolicy(String value) {
        this.readPolicy = value;
        return this;
    }

    /** Runs these nodes gateway-only ({@code -g}: they store nothing); the others store data. */
    public ProcessClusterBuilder gatewayOnly(int... nodes) {
        for (int n : nodes) {
            gateways.add(n);
        }
        return this;
    }

    /** Extra options of every daemon (for example "--debug"). */
    public ProcessClusterBuilder daemonArgs(String... args) {
        daemonArgs.addAll(List.of(args));
        return this;
    }

    /** Extra JVM options of every daemon, after {@link io.sheepdog.daemon.testing.process.SheepProcessBuilder}'s. */
    public ProcessClusterBuilder jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /**
     * Puts node i on {@code value.host(i)}, started through {@code value.launcher(i)} (its own network namespace,
     * say), instead of all nodes on the loopback address.
     */
    public ProcessClusterBuilder network(NodeNetwork value) {
        this.network = value;
        return this;
    }

    /**
     * Starts node 0, then the others joining it (in parallel), waits until every node sees all of them, and formats
     * the cluster unless {@link #copies(int)} is 0. On failure every started process is stopped again.
     */
    public ProcessCluster start() {
        check();
        return ProcessCluster.start(this);
    }
}
