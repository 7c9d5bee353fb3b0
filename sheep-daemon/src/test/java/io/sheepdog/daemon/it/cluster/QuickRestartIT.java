package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with {@code kill -9} and started again at once, before the others' failure detector excluded its
 * previous incarnation, must still join the running cluster. Today it founds a one-node cluster of its own under
 * the same JGroups address ("view [X|0] with 1 members (coordinator)", "dropped message from non-member", metadata
 * "No majority") and the partition is not merged within a minute; start-sheepdog and
 * {@link ProcessCluster#restart} work around it by waiting until the others no longer list the node.
 */
@Tag("cluster")
class QuickRestartIT {
    @TempDir
    Path work;

    @Test
    @Disabled("daemon bug: a node restarted before the others excluded its killed incarnation stays apart")
    void aNodeRestartedRightAfterKill9RejoinsTheCluster() {
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3)
                .awaitTimeout(Duration.ofSeconds(60)).start()) {
            cluster.kill9(0);
            cluster.sheep(0).startAgain();
            assertThat(cluster.awaitMembers(3)).extracting(NodeInfo::port)
                    .contains(cluster.endpoint(0).port());
        }
    }

    /**
     * Fails in most runs of the whole module (passed 8 of 8 runs alone): at format, one of the nodes that joined in
     * parallel sometimes never logs "joined the founding metadata group", although every node then reports epoch 1
     * and "running". With one of three voters missing, killing another node leaves no majority: no epoch is
     * committed without node 0, and node 0, restarted and a member again, stays in epoch 1 ("No majority").
     */
    @Test
    @Disabled("daemon bug: a node sometimes misses the founding of the metadata group at format")
    void aNodeRestartedAfterTheOthersExcludedItRejoinsTheCluster() {
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3).start()) {
            try {
                long before = cluster.awaitEpoch(1);
                cluster.kill9(0);
                cluster.restart(0);
                assertThat(cluster.awaitMembers(3)).extracting(NodeInfo::port)
                        .contains(cluster.endpoint(0).port());
                assertThat(cluster.awaitEpoch(before + 2)).isGreaterThanOrEqualTo(before + 2);
                cluster.awaitStatus("running");
            } catch (AssertionError e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }
}
