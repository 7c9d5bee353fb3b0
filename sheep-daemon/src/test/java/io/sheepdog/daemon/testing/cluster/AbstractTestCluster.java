package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import java.time.Duration;

/**
 * What {@link MiniCluster} and {@link ProcessCluster} share: a client per running node opened on first use, the
 * settling of a new cluster (all members, then the format), and stopping every node.
 */
abstract class AbstractTestCluster implements TestCluster {
    private final Duration awaitTimeout;
    private final SheepClient[] clients;

    AbstractTestCluster(int nodes, Duration awaitTimeout) {
        this.awaitTimeout = awaitTimeout;
        this.clients = new SheepClient[nodes];
    }

    @Override
    public SheepClient client(int i) throws SheepException {
        if (!isRunning(i)) {
            throw new IllegalStateException("node " + i + " is not running");
        }
        if (clients[i] == null || !clients[i].isOpen()) {
            clients[i] = endpoint(i).connect();
        }
        return clients[i];
    }

    @Override
    public Duration awaitTimeout() {
        return awaitTimeout;
    }

    /** Closes the client of node {@code i}, if one is open: before the node stops. */
    final void closeClient(int i) {
        if (clients[i] != null) {
            clients[i].close();
            clients[i] = null;
        }
    }

    /**
     * Waits until every node sees all {@code nodes} members, then, unless {@code copies} is 0, formats the cluster
     * with that many copies and waits until every node is in epoch 1 and running.
     */
    final void settle(int nodes, int copies) throws SheepException {
        awaitMembers(nodes);
        if (copies > 0) {
            client(0).format(copies, false, false);
            awaitEpoch(1);
            awaitStatus("running");
        }
    }

    /** Stops node {@code i} for good, if it runs (its client is closed already). */
    abstract void closeNode(int i);

    /** Stops every node, the last one first; never leaves one running, and throws the first failure at the end. */
    @Override
    public final void close() {
        RuntimeException first = null;
        for (int i = size() - 1; i >= 0; i--) {
            try {
                closeClient(i);
                closeNode(i);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
