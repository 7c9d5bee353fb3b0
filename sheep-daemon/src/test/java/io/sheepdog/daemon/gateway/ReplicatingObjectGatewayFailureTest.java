package io.sheepdog.daemon.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.ObjectId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replicating gateway when replicas disagree on the epoch (retried once the views agree, never applied under the
 * wrong one), stop, or stop answering (failed with NETWORK_ERROR naming the node, within the timeouts).
 */
@ExtendWith(NettyLeakCheck.class)
class ReplicatingObjectGatewayFailureTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private PeerNodes cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new PeerNodes(3, REQUEST_TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static final long OID = ObjectId.data(PeerNodes.VID_3_COPIES, 5);

    private static ByteBuffer block(int value) {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) value);
        return ByteBuffer.wrap(b);
    }

    @Test
    void aGatewayBehindTheReplicasWaitsForItsEpochThenRetries() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.LOCAL_FIRST, Duration.ofSeconds(20));
        cluster.node(1).epoch.set(2);
        cluster.node(2).epoch.set(2);

        CompletableFuture<Void> write = gateway.write(OID, 0, block(7), WriteMode.FRESH, false);
        awaitCondition(() -> cluster.node(1).ops.answered(ResultCode.OLD_NODE_VER) > 0
                && cluster.node(2).ops.answered(ResultCode.OLD_NODE_VER) > 0);
        assertThat(write).isNotDone();
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.node(i).memory.stat(OID)).as("nothing applied at node %d", i).isEmpty();
        }

        cluster.node(0).epoch.set(2);
        gateway.epochChanged();
        write.get(10, TimeUnit.SECONDS);
        for (PeerNodes.Node node : cluster.nodes) {
            assertThat(node.memory.stat(OID).orElseThrow().version().epoch()).isEqualTo(2);
            assertThat(node.memory.contents(OID)[4095]).isEqualTo((byte) 7);
        }
    }

    /**
     * The fence of a lost write lock: a gateway cut off from the cluster (here: behind the replicas' epoch) keeps
     * retrying a write; the lock's release came with the epoch it then moves to, so its retry asks the permit again
     * and fails instead of landing after another writer took the VDI over.
     */
    @Test
    void aWriteWhosePermitEndedWhileItWaitedForTheEpochFailsAndAppliesNothing() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.LOCAL_FIRST, Duration.ofSeconds(20));
        cluster.node(1).epoch.set(2);
        cluster.node(2).epoch.set(2);
        AtomicBoolean held = new AtomicBoolean(true);
        AtomicInteger asked = new AtomicInteger();
        WritePermit permit = () -> {
            asked.incrementAndGet();
            if (!held.get()) {
                throw new SheepException(ResultCode.VDI_LOCKED, "lost the lock");
            }
        };

        CompletableFuture<Void> write = gateway.write(OID, 0, block(7), WriteMode.FRESH, false, permit);
        awaitCondition(() -> cluster.node(1).ops.answered(ResultCode.OLD_NODE_VER) > 0);
        assertThat(write).isNotDone();
        held.set(false);
        cluster.node(0).epoch.set(2);
        gateway.epochChanged();

        assertThat(failure(write).result()).isEqualTo(ResultCode.VDI_LOCKED);
        assertThat(asked.get()).as("asked before each attempt").isGreaterThanOrEqualTo(2);
        // Nothing on the replicas of the new epoch (the gateway's own store took the first attempt under its old
        // epoch, as a cut-off node's does: it leaves the placement and is recovered when it comes back).
        for (int i = 1; i <= 2; i++) {
            assertThat(cluster.node(i).memory.stat(OID)).as("nothing applied at node %d", i).isEmpty();
        }
        // the same write with a permit that holds lands
        held.set(true);
        gateway.write(OID, 0, block(7), WriteMode.FRESH, false, permit).get(10, TimeUnit.SECONDS);
        assertThat(cluster.node(1).memory.contents(OID)[0]).isEqualTo((byte) 7);
    }

    @Test
    void aReplicaBehindTheGatewayIsRetriedOnceItCatchesUp() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.PRIMARY, Duration.ofSeconds(20));
        cluster.node(0).epoch.set(3);
        cluster.node(1).epoch.set(3);
        cluster.node(2).epoch.set(2);

        CompletableFuture<Void> write = gateway.write(OID, 0, block(9), WriteMode.FRESH, false);
        awaitCondition(() -> cluster.node(2).ops.answered(ResultCode.NEW_NODE_VER) > 1);
        assertThat(write).isNotDone();
        assertThat(cluster.node(2).memory.stat(OID)).isEmpty();

        cluster.node(2).epoch.set(3);
        write.get(10, TimeUnit.SECONDS);
        assertThat(cluster.node(2).memory.stat(OID).orElseThrow().version().epoch()).isEqualTo(3);
    }

    @Test
    void epochsThatNeverAgreeFailAfterTheTimeout() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.PRIMARY, Duration.ofMillis(500));
        cluster.node(1).epoch.set(2);
        long start = System.nanoTime();
        SheepException e = failure(gateway.write(OID, 0, block(1), WriteMode.FRESH, false));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e.result()).isEqualTo(ResultCode.OLD_NODE_VER);
        assertThat(e.getMessage()).contains("write of object " + ObjectId.toString(OID))
                .contains("did not agree within 500 ms").contains(cluster.node(1).address.hostPort());
        assertThat(elapsedMillis).isBetween(400L, 5_000L);
    }

    @Test
    void aStoppedPeerFailsWritesWithNetworkError() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.LOCAL_FIRST, Duration.ofSeconds(5));
        gateway.write(OID, 0, block(1), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS); // connections are up
        NodeAddress stopped = cluster.node(2).address;
        cluster.node(2).server.close();

        for (int i = 0; i < 2; i++) { // the broken connection, then a refused reconnect
            SheepException e = failure(gateway.write(OID, 0, block(2), WriteMode.EXISTING, false));
            assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
            assertThat(e.getMessage()).contains("node " + stopped.hostPort());
        }
        // Reads served by a live replica still work.
        ByteBuffer dst = ByteBuffer.allocate(4096);
        gateway.read(OID, 0, dst).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPeerThatDoesNotAnswerFailsTheWriteOnceTheEpochDidNotMoveWithinTheGatewayTimeout() throws Exception {
        // A replica that does not answer is retried until the epoch moves without it (the failure detector's job)
        // or the gateway gives up: never acknowledged without it.
        Duration gatewayTimeout = Duration.ofSeconds(3);
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.PRIMARY, gatewayTimeout);
        cluster.node(1).ops.hang(true);
        long start = System.nanoTime();
        SheepException e = failure(gateway.write(OID, 0, block(3), WriteMode.FRESH, false));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
        assertThat(e.getMessage()).contains("stayed unreachable").contains("node " + cluster.node(1).address.hostPort())
                .contains("did not answer");
        assertThat(elapsedMillis).isBetween(gatewayTimeout.toMillis() - 100,
                gatewayTimeout.toMillis() + REQUEST_TIMEOUT.toMillis() + 3_000);
    }

    @Test
    void aWriteThatFindsTheObjectLostWhereverAReplicaAnswersWaitsForTheOneThatDoesNotAndRepairsFromIt()
            throws Exception {
        List<NodeAddress> replicas = cluster.placement(0).replicas(OID, 3);
        // The gateway runs on a node that lost its copy: the holder must be a peer, whose silence times out.
        ReplicatingObjectGateway gateway = cluster.gateway(cluster.nodes.indexOf(cluster.at(replicas.get(0))),
                ReadPolicy.PRIMARY, Duration.ofSeconds(30));
        gateway.write(OID, 0, block(1), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
        PeerNodes.Node holder = cluster.at(replicas.get(2));
        holder.ops.hang(true);
        cluster.at(replicas.get(0)).memory.delete(OID);
        cluster.at(replicas.get(1)).memory.delete(OID);

        CompletableFuture<Void> write = gateway.write(OID, 4096, block(2), WriteMode.EXISTING, false);
        // The first attempt: both answering replicas have lost the object, the holder times out. Not an error yet.
        awaitCondition(() -> cluster.at(replicas.get(0)).ops.answered(ResultCode.NO_OBJ) > 0
                && cluster.at(replicas.get(1)).ops.answered(ResultCode.NO_OBJ) > 0);
        holder.ops.hang(false);

        write.get(20, TimeUnit.SECONDS);
        for (NodeAddress n : replicas) {
            byte[] contents = cluster.at(n).memory.contents(OID);
            assertThat(contents[0]).as("block 0 on %s, repaired from the holder", n.hostPort()).isEqualTo((byte) 1);
            assertThat(contents[4096]).as("block 1 on %s, the new write", n.hostPort()).isEqualTo((byte) 2);
        }
    }

    @Test
    void aStoreFailureOnOneReplicaFailsTheWriteWithItsCode() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.PRIMARY, Duration.ofSeconds(5));
        List<NodeAddress> replicas = cluster.placement(0).replicas(OID, 3);
        PeerNodes.Node full = cluster.at(replicas.get(1));
        full.memory.setCapacityBytes(0);
        SheepException e = failure(gateway.write(OID, 0, block(4), WriteMode.FRESH, false));
        assertThat(e.result()).isEqualTo(ResultCode.NO_SPACE);
        assertThat(e.getMessage()).contains("node " + full.address.hostPort());
    }

    private static SheepException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SheepException.class);
            return (SheepException) e.getCause();
        }
        return fail("expected the request to fail");
    }

    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
