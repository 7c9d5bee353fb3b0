package io.sheepdog.daemon.testing.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Options of a {@link ProcessCluster}; {@link #start()} brings it up. */
public final class ProcessClusterBuilder {
    final Path workDir;
    int nodes = 3;
    /** -1: min(3, nodes); 0: leave the cluster unformatted. */
    int copies = -1;
    int[] zones;
    String readPolicy;
    final List<String> daemonArgs = new ArrayList<>();
    Duration awaitTimeout = Duration.ofSeconds(60);
    NodeNetwork network;

    ProcessClusterBuilder(Path workDir) {
        this.workDir = workDir.toAbsolutePath();
    }

    /** Number of daemons; 3 by default. */
    public ProcessClusterBuilder nodes(int value) {
        if (value < 1 || value > 50) {
            throw new IllegalArgumentException("nodes must be in 1..50: " + value);
        }
        this.nodes = value;
        return this;
    }

    /** The copy count to format with; min(3, nodes) by default, 0 to leave the cluster unformatted. */
    public ProcessClusterBuilder copies(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("copies must not be negative: " + value);
        }
        this.copies = value;
        return this;
    }

    /** The zone of each node ({@code -z}), node 0 first; node i is in zone i by default. */
    public ProcessClusterBuilder zones(int... value) {
        this.zones = value.clone();
        return this;
    }

    /** {@code --read-policy} of every node; the daemon's default (local-first) unless set. */
    public ProcessClusterBuilder readPolicy(String value) {
        this.readPolicy = value;
        return this;
    }

    /** Extra options of every daemon (for example "--debug"). */
    public ProcessClusterBuilder daemonArgs(String... args) {
        daemonArgs.addAll(List.of(args));
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

    /** How long the await helpers (and the start itself) wait; 60 s by default. */
    public ProcessClusterBuilder awaitTimeout(Duration value) {
        this.awaitTimeout = value;
        return this;
    }

    /**
     * Starts node 0, then the others joining it (in parallel), waits until every node sees all of them, and formats
     * the cluster unless {@link #copies(int)} is 0. On failure every started process is stopped again.
     */
    public ProcessCluster start() {
        if (zones != null && zones.length != nodes) {
            throw new IllegalArgumentException(zones.length + " zones " + Arrays.toString(zones) + " for " + nodes
                    + " nodes");
        }
        return ProcessCluster.start(this);
    }

    int zoneOf(int node) {
        return zones != null ? zones[node] : node;
    }

    int effectiveCopies() {
        return copies >= 0 ? copies : Math.min(3, nodes);
    }
}
