package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.gateway.ReadPolicy;
import io.sheepdog.membership.FailureDetection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/** Options of a {@link MiniCluster}; {@link #start()} brings it up. */
public final class MiniClusterBuilder {
    final Path baseDir;
    int nodes = 3;
    /** -1: min(3, nodes); 0: leave the cluster unformatted. */
    int copies = -1;
    int[] zones;
    ReadPolicy readPolicy = ReadPolicy.LOCAL_FIRST;
    FailureDetection failureDetection = FailureDetection.DEFAULTS;
    Duration awaitTimeout = Duration.ofSeconds(60);
    int ioThreads = 4;

    MiniClusterBuilder(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath();
    }

    /** Number of daemons; 3 by default. */
    public MiniClusterBuilder nodes(int value) {
        if (value < 1 || value > 50) {
            throw new IllegalArgumentException("nodes must be in 1..50: " + value);
        }
        this.nodes = value;
        return this;
    }

    /** The copy count to format with; min(3, nodes) by default, 0 to leave the cluster unformatted. */
    public MiniClusterBuilder copies(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("copies must not be negative: " + value);
        }
        this.copies = value;
        return this;
    }

    /** The zone of each node, node 0 first; node i is in zone i by default. */
    public MiniClusterBuilder zones(int... value) {
        this.zones = value.clone();
        return this;
    }

    /** Which replica serves reads on every node; local-first by default. */
    public MiniClusterBuilder readPolicy(ReadPolicy value) {
        this.readPolicy = value;
        return this;
    }

    public MiniClusterBuilder failureDetection(FailureDetection value) {
        this.failureDetection = value;
        return this;
    }

    /** How long the await helpers (and the start itself) wait; 60 s by default. */
    public MiniClusterBuilder awaitTimeout(Duration value) {
        this.awaitTimeout = value;
        return this;
    }

    /** Store I/O threads per daemon; 4 by default (several daemons share this JVM). */
    public MiniClusterBuilder ioThreads(int value) {
        this.ioThreads = value;
        return this;
    }

    /**
     * Starts node 0, then the others joining it, waits until every node sees all of them, and formats the cluster
     * unless {@link #copies(int)} is 0. On failure everything started is stopped again.
     */
    public MiniCluster start() throws IOException {
        if (zones != null && zones.length != nodes) {
            throw new IllegalArgumentException(zones.length + " zones " + Arrays.toString(zones) + " for " + nodes
                    + " nodes");
        }
        return MiniCluster.start(this);
    }

    int zoneOf(int node) {
        return zones != null ? zones[node] : node;
    }

    int effectiveCopies() {
        return copies >= 0 ? copies : Math.min(3, nodes);
    }
}
