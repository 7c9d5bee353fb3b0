package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with {@code kill -9} comes back into the running cluster when it is started again, whether the
 * others have excluded its previous incarnation by then or not.
 *
 * <p>Started at once, the new incarnation's discovery finds the other members but no coordinator among them (the
 * coordinator was the killed node 0, still in their view). JGroups then lets the joiner whose address sorts first
 * found a group of its own; with random addresses that was the new node half of the time, and the merge that
 * should have healed the split was refused by the admission check (the merge leader's request to itself). Now
 * addresses sort by start time ({@code IncarnationAddress}), so the new node waits for the others to replace their
 * coordinator and joins them, and merges are admitted.
 */
@Tag("cluster")
class QuickRestartIT {
    @TempDir
    Path work;

    @Test
    void aNodeRestartedRightAfterKill9RejoinsTheCluster() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(3)
                .awaitTimeout(Duration.ofSeconds(60)).start()) {
            try {
                cluster.awaitEpoch(1);
                cluster.kill9(0);
                cluster.sheep(0).startAgain();
                assertThat(cluster.awaitMembers(3)).extracting(NodeInfo::port)
                        .contains(cluster.endpoint(0).port());
                cluster.awaitStatus("running");
                // Node 0 is back in the metadata group too: a change through it commits.
                assertThat(cluster.client(0).create("after-restart", 1 << 20, 0).name()).isEqualTo("after-restart");
            } catch (AssertionError e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    /**
     * Once failed in most runs of the whole module: at format, a node that joined in parallel sometimes missed the
     * founding member list of the metadata group, and with one of three voters missing, killing another node left
     * no majority. A founding member that missed the list now asks for it again when it applies the format.
     */
    @Test
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

    /**
     * A data node (not the coordinator) killed and started again at once: the leader proposes the epoch without it
     * and, a moment later, the epoch with it back. Both must apply on every node, and the restarted node must serve
     * a VDI again (GatewayRestartIT found the second epoch never applying).
     */
    @Test
    void aDataNodeRestartedRightAfterKill9IsInTheNextEpochsAndServes() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.builder(work).nodes(3).copies(2)
                .awaitTimeout(Duration.ofSeconds(60)).start()) {
            try {
                long before = cluster.awaitEpoch(1);
                cluster.client(0).create("served", 1 << 20, 0);
                cluster.awaitVdi("served");
                cluster.kill9(2);
                cluster.sheep(2).startAgain();
                long now = cluster.awaitEpoch(before + 2);
                cluster.awaitRecovered(now);
                try (var c = cluster.client(2)) {
                    assertThat(c.read(c.lookup("served").vid(), 0, 4096).get(30, java.util.concurrent.TimeUnit.SECONDS)
                            .release()).isTrue();
                }
            } catch (AssertionError e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }
}
