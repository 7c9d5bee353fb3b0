package io.sheepdog.membership.meta;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.Epoch;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata leader's duties as every engine carries them out, run against each: the decisions are one class
 * ({@link LeaderDecider}, tested in {@code LeaderDeciderTest}), but carrying them out cannot be shared (the Raft
 * leader adds voters with {@code RAFT.addServer} and proposes through its log asynchronously, on its own thread with a
 * tick; the in-process one changes a shared log synchronously on its listener thread), so this suite checks that
 * both make the same visible moves. Each test works on three nodes, 0 to 2, none started.
 *
 * @param <N> the engine's node type
 */
public abstract class LeaderDutiesContract<N extends ClusterNode> {
    private final List<N> nodes = new ArrayList<>();
    private final Map<Integer, NodeAddress> addresses = new HashMap<>();
    private final Duration patience;

    /** @param patience how long the engine may take for a change */
    protected LeaderDutiesContract(Duration patience) {
        this.patience = patience;
    }

    /** Starts node {@code i} (again, after {@link #stop}: a restart with its persisted metadata). */
    protected abstract N start(int i) throws Exception;

    /** The address of node {@code i}, once it was started. */
    private NodeAddress address(int i) {
        return addresses.get(i);
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(n -> {
            if (n != null) {
                n.close();
            }
        });
    }

    private N node(int i) {
        return nodes.get(i);
    }

    private List<String> voters(int i) {
        return node(i).metadataMembers();
    }

    private void open(int... which) throws Exception {
        for (int i : which) {
            while (nodes.size() <= i) {
                nodes.add(null);
            }
            nodes.set(i, start(i));
            addresses.put(i, node(i).membership().self());
        }
    }

    private void stop(int i) {
        nodes.get(i).close();
        nodes.set(i, null);
    }

    private void awaitMembers(int count, int... which) {
        for (int i : which) {
            Await.until(patience, () -> node(i).membership().members().size() == count,
                    () -> "node " + i + " members " + node(i).membership().members());
        }
    }

    private void awaitEpochOf(List<NodeAddress> dataNodes, int... which) {
        for (int i : which) {
            Await.until(patience, () -> node(i).metadata().state().currentEpoch().map(Epoch::nodes)
                            .filter(n -> n.size() == dataNodes.size() && n.containsAll(dataNodes)).isPresent(),
                    () -> "node " + i + " epochs " + node(i).metadata().state().epochs());
        }
    }

    private void formatAllThree() throws Exception {
        open(0, 1, 2);
        awaitMembers(3, 0, 1, 2);
        node(0).metadata().format(2, false).get(10, TimeUnit.SECONDS);
        awaitEpochOf(List.of(address(0), address(1), address(2)), 0, 1, 2);
    }

    /**
     * Asserted on the founder's list, which leads: with jgroups-raft a newcomer's own list is built from the
     * additions in the log it receives and lacks the founders until a snapshot reaches it (a known gap, the same
     * before {@link LeaderDecider}).
     */
    @Test
    void nodesJoiningAfterFormatBecomeVotersAndEnterAnEpoch() throws Exception {
        open(0);
        awaitMembers(1, 0);
        node(0).metadata().format(2, false).get(10, TimeUnit.SECONDS);
        assertThat(voters(0)).containsExactly(address(0).id().toString());
        open(1, 2);
        awaitMembers(3, 0, 1, 2);
        Await.until(patience, () -> voters(0).size() == 3, () -> "voters " + voters(0));
        assertThat(voters(0)).containsExactlyInAnyOrder(address(0).id().toString(), address(1).id().toString(),
                address(2).id().toString());
        awaitEpochOf(List.of(address(0), address(1), address(2)), 0, 1, 2);
        assertThat(node(1).metadata().status()).isEqualTo(
                ClusterStatus.running(node(1).metadata().state().epochNumber()));
    }

    @Test
    void aStoppedNodeLeavesTheEpochButKeepsItsVote() throws Exception {
        formatAllThree();
        stop(2);
        awaitEpochOf(List.of(address(0), address(1)), 0, 1);
        assertThat(voters(0)).hasSize(3).contains(address(2).id().toString());
        // it comes back: a new epoch with it, still the same three voters
        open(2);
        awaitEpochOf(List.of(address(0), address(1), address(2)), 0, 1, 2);
        assertThat(voters(0)).hasSize(3);
    }

    @Test
    void withoutAMajorityNoEpochStarts() throws Exception {
        formatAllThree();
        stop(2);
        awaitEpochOf(List.of(address(0), address(1)), 0, 1);
        stop(1);
        Await.until(patience, () -> node(0).metadata().status().state() == ClusterStatus.State.NO_MAJORITY,
                () -> "node 0: " + node(0).metadata().status());
        // node 1 returns: the majority is back (same data nodes, so the same epoch), and no epoch ran on node 0 alone
        open(1);
        Await.until(patience, () -> node(0).metadata().status().state() == ClusterStatus.State.RUNNING,
                () -> "node 0: " + node(0).metadata().status());
        awaitEpochOf(List.of(address(0), address(1)), 0, 1);
        List<NodeAddress> alone = List.of(address(0));
        assertThat(node(0).metadata().state().epochs()).extracting(Epoch::nodes).doesNotContain(alone);
        assertThat(voters(0)).hasSize(3);
    }
}
