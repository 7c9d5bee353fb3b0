package io.sheepdog.daemon.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.peer.LocalPeerOps;
import io.sheepdog.daemon.peer.PeerConnections;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.daemon.testing.ManualTime;
import io.sheepdog.daemon.testing.OneNodeGateway;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.memory.MemoryMetadataStore;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RecoveryManager}'s waits on a stepped clock, with the run on the test's thread: a node that is not at the
 * run's epoch yet is asked for its object list again after each retry pause, and the run goes on the moment it
 * answers. Nothing here waits for real time.
 */
class RecoveryManagerTimeTest {
    private static final NodeAddress SELF = OneNodeGateway.SELF;
    private static final Duration PAUSE = Duration.ofMillis(200);

    private final ManualTime time = new ManualTime();
    /** Connections are never opened: every node of the placement is this one. */
    private final EventLoopGroup unused = SheepTransport.newEventLoopGroup(1, "test-unused", true);

    @AfterEach
    void close() {
        unused.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aNodeBehindTheRunsEpochIsAskedForItsListAgainAfterEachRetryPause() throws Exception {
        // This node's store reaches epoch 2 only after the run has paused three times: until then it refuses the
        // run's list request (NEW_NODE_VER, "this node is behind the reader's epoch").
        LocalPeerOps replicas = new LocalPeerOps(new MemoryObjectStore(), Runnable::run,
                () -> time.sleeps().size() >= 3 ? 2 : 1);
        MemoryMetadataStore metadata = new MemoryMetadataStore();
        try (RecoveryManager manager = new RecoveryManager(new OneNodeGateway.OneNode(() -> 2), vid -> 1, Set::of, replicas,
                new PeerConnections(unused, SheepClientConfig.of(Duration.ofSeconds(30))), new MemoryObjectStore(),
                metadata, () -> true, new RecoveryMetrics(new SimpleMeterRegistry()), () -> 0,
                new RecoveryConfig(Duration.ofSeconds(30), PAUSE, Duration.ofMillis(500)), time, time,
                Runnable::run)) {
            manager.epochChanged(); // runs the whole run here: plan, (no) copies, wait for the others, purge

            assertThat(time.sleeps()).containsExactly(PAUSE, PAUSE, PAUSE);
            assertThat(time.elapsed()).isEqualTo(PAUSE.multipliedBy(3));
            RecoveryInfo info = manager.info(SELF);
            assertThat(info.state()).isEqualTo("DONE");
            assertThat(info.epoch()).isEqualTo(2);
            assertThat(info.recoveredEpoch()).isEqualTo(2);
        }
    }

    /** The sweep removes exactly this node's replicas of retired ids, inodes included, once per change of the set. */
    @Test
    void sweepRemovesTheReplicasOfRetiredIdsOnly() throws Exception {
        MemoryObjectStore store = new MemoryObjectStore();
        java.util.concurrent.atomic.AtomicReference<Set<Integer>> retired =
                new java.util.concurrent.atomic.AtomicReference<>(Set.of());
        for (int vid : new int[] {5, 6}) {
            store.write(io.sheepdog.store.ObjectId.inode(vid), 0, java.nio.ByteBuffer.wrap(new byte[] {1}), 1,
                    false);
            store.write(io.sheepdog.store.ObjectId.data(vid, 3), 0, java.nio.ByteBuffer.wrap(new byte[] {1}), 1,
                    false);
        }
        LocalPeerOps replicas = new LocalPeerOps(store, Runnable::run, () -> 2);
        try (RecoveryManager manager = new RecoveryManager(new OneNodeGateway.OneNode(() -> 2), vid -> 1,
                retired::get, replicas, new PeerConnections(unused, SheepClientConfig.of(Duration.ofSeconds(30))),
                store, new MemoryMetadataStore(), () -> true, new RecoveryMetrics(new SimpleMeterRegistry()),
                () -> 0, new RecoveryConfig(Duration.ofSeconds(30), PAUSE, Duration.ofMillis(500)), time, time,
                Runnable::run)) {
            manager.sweepRetired(false);
            assertThat(store.stats().objectCount()).isEqualTo(4);

            retired.set(Set.of(5));
            manager.sweepRetired(false);
            java.util.List<Long> left = new java.util.ArrayList<>();
            store.forEachObject(left::add);
            assertThat(left).containsExactlyInAnyOrder(io.sheepdog.store.ObjectId.inode(6),
                    io.sheepdog.store.ObjectId.data(6, 3));
        }
    }
}
