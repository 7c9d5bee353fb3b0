package io.sheepdog.daemon.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
     * A data node (not the coordinator) killed and started again at once. JGroups may replace the old incarnation
     * by the new one in a single view, so the set of data nodes never changes; the node must still rejoin through
     * an epoch of its own (it may have missed writes) and serve a VDI again. Before the epoch rule looked at
     * incarnations, the cluster stayed in epoch 1 in about one run of three, the restarted node serving as if it
     * had never been away, and the lease of its old incarnation's locks never ended (GatewayRestartIT).
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
                cluster.awaitEpoch(before + 1);
                String restarted = cluster.endpoint(2).host() + ":" + cluster.endpoint(2).port();
                EpochInfo with = Poll.until("an epoch after " + before + " with the restarted node",
                        Duration.ofSeconds(60), whyNot -> {
                            try (var c = cluster.client(0)) {
                                EpochInfo newest = c.info().epochs().get(0);
                                whyNot.append("newest epoch ").append(newest);
                                return Optional.of(newest).filter(e -> e.epoch() > before
                                        && e.nodes().stream().anyMatch(n -> n.contains(restarted)));
                            }
                        });
                cluster.awaitRecovered(cluster.awaitEpoch(with.epoch()));
                try (var c = cluster.client(2)) {
                    ByteBuf data = c.read(c.lookup("served").vid(), 0, 4096)
                            .get(30, TimeUnit.SECONDS);
                    try {
                        assertThat(data.readableBytes()).isEqualTo(4096);
                    } finally {
                        data.release();
                    }
                }
            } catch (AssertionError e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }
}
