package io.sheepdog.daemon.testing.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The options every {@link TestCluster} builder has ({@link MiniClusterBuilder}, {@link ProcessClusterBuilder} add
 * their own): how many nodes, the copy count to format with, zones, and how long to wait.
 *
 * @param <B> the concrete builder, returned by every option for chaining
 */
public abstract class TestClusterBuilder<B extends TestClusterBuilder<B>> {
    /** Where the nodes keep their stores (and, for processes, logs and PID files): one directory per node. */
    final Path dir;
    int nodes = 3;
    /** -1: min(3, nodes); 0: leave the cluster unformatted. */
    int copies = -1;
    int[] zones;
    Duration awaitTimeout = Duration.ofSeconds(60);

    TestClusterBuilder(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** This builder, as its own type. */
    abstract B self();

    /** Number of daemons; 3 by default. */
    public B nodes(int value) {
        if (value < 1 || value > 50) {
            throw new IllegalArgumentException("nodes must be in 1..50: " + value);
        }
        this.nodes = value;
        return self();
    }

    /** The copy count to format with; min(3, nodes) by default, 0 to leave the cluster unformatted. */
    public B copies(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("copies must not be negative: " + value);
        }
        this.copies = value;
        return self();
    }

    /** The zone of each node ({@code sheep -z}), node 0 first; node i is in zone i by default. */
    public B zones(int... value) {
        this.zones = value.clone();
        return self();
    }

    /** How long the await helpers (and the start itself) wait; 60 s by default. */
    public B awaitTimeout(Duration value) {
        this.awaitTimeout = value;
        return self();
    }

    /** Checks that the options fit together; called before a start. */
    void check() {
        if (zones != null && zones.length != nodes) {
            throw new IllegalArgumentException(zones.length + " zones " + Arrays.toString(zones) + " for " + nodes
                    + " nodes");
        }
    }

    int zoneOf(int node) {
        return zones != null ? zones[node] : node;
    }

    int effectiveCopies() {
        return copies >= 0 ? copies : Math.min(3, nodes);
    }
}
