package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What a test sees of a cluster of real daemons on the loopback address, whether they run in this JVM
 * ({@link MiniCluster}) or as processes ({@link ProcessCluster}): where each node listens, its store, a client, and
 * waits for the cluster to settle. Nodes are numbered from 0 and keep their ports and stores across restarts.
 */
public interface TestCluster extends AutoCloseable {
    /** Number of nodes, running or not. */
    int size();

    /** Where node {@code i} listens. */
    NodeEndpoint endpoint(int i);

    boolean isRunning(int i);

    /** Node {@code i}'s store directory (objects under {@code obj/}). */
    Path storeDir(int i);

    /**
     * A client of running node {@code i}, opened on first use and closed when the node stops or the cluster
     * closes; do not close it yourself.
     */
    SheepClient client(int i) throws SheepException;

    /** How long the await helpers wait. */
    Duration awaitTimeout();

    /** Stops every node; never leaves one running. */
    @Override
    void close();

    /** The endpoints of every node, running or not. */
    default List<NodeEndpoint> endpoints() {
        return IntStream.range(0, size()).mapToObj(this::endpoint).toList();
    }

    /** The endpoints of the running nodes. */
    default List<NodeEndpoint> runningEndpoints() {
        return IntStream.range(0, size()).filter(this::isRunning).mapToObj(this::endpoint).toList();
    }

    /**
     * Waits until every running node lists exactly {@code n} members, the same ones.
     *
     * @return the members as the first running node sees them, sorted by port
     */
    default List<NodeInfo> awaitMembers(int n) {
        return ClusterAwait.members(runningEndpoints(), n, awaitTimeout());
    }

    /** Waits until every running node finished recovering {@code epoch} (see {@link ClusterAwait#recovered}). */
    default List<io.sheepdog.daemon.api.RecoveryInfo> awaitRecovered(long epoch) {
        return ClusterAwait.recovered(runningEndpoints(), epoch, awaitTimeout());
    }

    /** Waits until every running node is in epoch {@code epoch} or later, all in the same one; returns it. */
    default long awaitEpoch(long epoch) {
        return ClusterAwait.epoch(runningEndpoints(), epoch, awaitTimeout());
    }

    /** Waits until every running node answers a lookup of the VDI {@code name}, all with the same id. */
    default VdiInfo awaitVdi(String name) {
        return ClusterAwait.vdi(runningEndpoints(), name, awaitTimeout());
    }

    /** Waits until every running node reports the cluster status {@code status} ("running", ...). */
    default void awaitStatus(String status) {
        ClusterAwait.status(runningEndpoints(), status, awaitTimeout());
    }
}
