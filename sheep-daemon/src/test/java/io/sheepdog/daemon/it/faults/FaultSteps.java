package io.sheepdog.daemon.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.cluster.StoreObjects;
import io.sheepdog.daemon.testing.cluster.TestCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FioJob;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The steps the fault tests of this package share: waiting for writes and epochs, and fio's verification. */
final class FaultSteps {
    private FaultSteps() {
    }

    /**
     * Sends SIGKILL to every node in {@code nodes} before waiting for any of them to die, so that none notices the
     * others' death before its own.
     */
    static void killTogether(ProcessCluster cluster, List<Integer> nodes) {
        for (int node : nodes) {
            ProcessHandle.of(cluster.sheep(node).pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (int node : nodes) {
            cluster.kill9(node);
        }
    }

    /** The inode and every data object of a VDI of {@code size} bytes that was written all over. */
    static Set<Long> objectsOf(int vid, long size) {
        Set<Long> oids = new TreeSet<>(Long::compareUnsigned);
        oids.add(ObjectId.inode(vid));
        for (long i = 0; i < size / ObjectLayout.OBJECT_SIZE; i++) {
            oids.add(ObjectId.data(vid, i));
        }
        return oids;
    }

    /** Waits until the stores of the running nodes hold at least {@code n} data objects of VDI {@code vid}. */
    static void awaitDataObjects(TestCluster cluster, int vid, int n) {
        Poll.until(n + " data objects of VDI " + Integer.toHexString(vid) + " written", cluster.awaitTimeout(),
                whyNot -> {
                    Set<Long> data = new TreeSet<>(Long::compareUnsigned);
                    for (int i = 0; i < cluster.size(); i++) {
                        if (cluster.isRunning(i)) {
                            data.addAll(StoreObjects.ofVdi(cluster.storeDir(i), vid));
                        }
                    }
                    data.remove(ObjectId.inode(vid));
                    whyNot.append(data.size()).append(" written");
                    return data.size() >= n ? Optional.of(data.size()) : Optional.empty();
                });
    }

    /**
     * Waits until every running node's newest epoch is the same one, at least {@code min}, and has exactly
     * {@code members} nodes: after two nodes die at once the cluster may pass through an epoch without only one.
     *
     * @return that epoch
     */
    static long awaitEpochOf(TestCluster cluster, int members, long min) {
        List<NodeEndpoint> nodes = cluster.runningEndpoints();
        return Poll.until("an epoch >= " + min + " of " + members + " nodes on each of " + nodes,
                cluster.awaitTimeout(), whyNot -> {
                    EpochInfo agreed = null;
                    for (NodeEndpoint n : nodes) {
                        List<EpochInfo> epochs;
                        try (SheepClient c = n.connect()) {
                            epochs = c.info().epochs();
                        }
                        EpochInfo newest = epochs.stream().max(Comparator.comparingLong(EpochInfo::epoch)).orElse(null);
                        if (newest == null || newest.epoch() < min || newest.nodes().size() != members
                                || (agreed != null && agreed.epoch() != newest.epoch())) {
                            whyNot.append(n).append("'s newest epoch is ").append(newest);
                            return Optional.empty();
                        }
                        agreed = newest;
                    }
                    return Optional.ofNullable(agreed).map(EpochInfo::epoch);
                });
    }

    /** fio verifies {@code job}'s data through the NBD export {@code vdi} of every running node. */
    static void verifyThroughEach(TestCluster cluster, FioJob job, String vdi) {
        for (NodeEndpoint n : cluster.runningEndpoints()) {
            CommandResult verify = job.uri(n.nbdUri(vdi)).verify().run();
            assertThat(verify.exitCode()).as("verify through node %d: %s", n.index(), verify.describe()).isZero();
            assertThat(verify.output()).as(verify.describe()).doesNotContain("verify failed");
        }
    }
}
