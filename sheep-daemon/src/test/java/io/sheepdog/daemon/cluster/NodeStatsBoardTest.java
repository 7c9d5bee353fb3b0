package io.sheepdog.daemon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.local.LocalClusterNode;
import io.sheepdog.membership.local.LocalNetwork;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.StoreStats;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two members on a local network: each sees the other's space figures shortly after they change. */
class NodeStatsBoardTest {
    private static final Duration PERIOD = Duration.ofMillis(20);

    private final LocalNetwork network = new LocalNetwork();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final LocalClusterNode a = new LocalClusterNode(network, address(1));
    private final LocalClusterNode b = new LocalClusterNode(network, address(2));
    private final MemoryObjectStore storeA = new MemoryObjectStore();
    private final MemoryObjectStore storeB = new MemoryObjectStore();

    @AfterEach
    void close() {
        timer.shutdownNow();
        a.close();
        b.close();
    }

    @Test
    void aWriteAndADeleteReachTheOtherMemberWithinAFewPeriods() throws Exception {
        a.start();
        b.start();
        new NodeStatsBoard(a.membership(), storeA, timer, PERIOD);
        NodeStatsBoard boardB = new NodeStatsBoard(b.membership(), storeB, timer, PERIOD);
        NodeId idA = a.membership().self().id();
        awaitObjects(boardB, idA, 0);

        long oid = ObjectId.data(7, 0);
        storeA.write(oid, 0, ByteBuffer.allocate(64 * 1024), 1, false);
        StoreStats seen = awaitObjects(boardB, idA, 1);
        assertThat(seen.usedBytes()).isEqualTo(storeA.stats().usedBytes()).isPositive();

        storeA.delete(oid);
        assertThat(awaitObjects(boardB, idA, 0).usedBytes()).isZero();
    }

    @Test
    void anIdleMemberBroadcastsOnlyEveryQuietPeriods() throws Exception {
        LocalClusterNode listener = new LocalClusterNode(network, address(3));
        try (listener) {
            AtomicInteger fromA = new AtomicInteger();
            listener.membership().onMessage(NodeStatsBoard.TOPIC, (from, payload) -> {
                if (from.address().id().equals(a.membership().self().id())) {
                    fromA.incrementAndGet();
                }
            });
            listener.start();
            a.start();
            new NodeStatsBoard(a.membership(), storeA, timer, PERIOD);
            // Ticks on the same single timer thread at the same period: once it ticked 2 x QUIET_PERIODS times, the
            // board has looked at its (unchanged) figures about as often.
            AtomicInteger ticks = new AtomicInteger();
            timer.scheduleWithFixedDelay(ticks::incrementAndGet, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            Poll.until("ticks", Duration.ofSeconds(30), whyNot -> ticks.get() >= 2 * NodeStatsBoard.QUIET_PERIODS
                    ? Optional.of(true) : Optional.empty());
            assertThat(fromA.get()).as("the first figures, one for the listener joining, one or two repeats")
                    .isBetween(1, 5);
        }
    }

    private static StoreStats awaitObjects(NodeStatsBoard board, NodeId node, long objects) {
        return Poll.until("the board shows " + objects + " objects on " + node, Duration.ofSeconds(10), whyNot -> {
            Optional<StoreStats> s = board.stats(node);
            whyNot.append("it shows ").append(s);
            return s.filter(x -> x.objectCount() == objects);
        });
    }

    private static NodeAddress address(int id) {
        return new NodeAddress(new NodeId(id), "127.0.0.1", 7000 + id, 10809 + id, id, 128);
    }
}
