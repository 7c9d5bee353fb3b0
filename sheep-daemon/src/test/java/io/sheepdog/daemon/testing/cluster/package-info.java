/**
 * Test clusters of real sheep daemons on the loopback address, behind one interface
 * ({@link io.sheepdog.daemon.testing.cluster.TestCluster}): {@link io.sheepdog.daemon.testing.cluster.MiniCluster}
 * runs N daemons in this JVM (start, clean stop, restart on the same store and ports), and
 * {@link io.sheepdog.daemon.testing.cluster.ProcessCluster} runs them as processes (adding {@code kill -9}). Both
 * start node 0 first and let the others join it, format the cluster, and offer waits that poll with a deadline
 * ({@code awaitMembers}, {@code awaitEpoch}, {@code awaitStatus}). {@link io.sheepdog.daemon.testing.cluster.Replicas}
 * and {@link io.sheepdog.daemon.testing.cluster.StoreObjects} compare the objects in the stores on disk with the
 * placement ring.
 *
 * <p>Shipped in sheep-daemon's test-jar, so every multi-node test of any module uses the same harness.
 */
package io.sheepdog.daemon.testing.cluster;
