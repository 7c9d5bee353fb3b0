package io.sheepdog.daemon.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ObjectCheck.Finding;
import io.sheepdog.daemon.api.ObjectCheck.Outcome;
import io.sheepdog.daemon.api.ObjectCheck.Problem;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replica check of one object (PEER_CHECK_OBJ to each replica, then {@link ReplicaCheck}'s decision and the
 * gateway's repair) over three real peer servers with in-memory stores, where the test damages replicas directly.
 */
@ExtendWith(NettyLeakCheck.class)
class ReplicaCheckTest {

    private static final long OID = ObjectId.data(PeerNodes.VID_3_COPIES, 9);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private PeerNodes cluster;
    private ReplicatingObjectGateway gateway;
    private final GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());

    @BeforeEach
    void start() throws Exception {
        cluster = new PeerNodes(3, Duration.ofSeconds(2));
        gateway = cluster.gateway(0, ReadPolicy.PRIMARY, TIMEOUT, metrics);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static ByteBuffer block(int value) {
        byte[] b = new byte[ObjectLayout.BLOCK_SIZE];
        Arrays.fill(b, (byte) value);
        return ByteBuffer.wrap(b);
    }

    private void write(long offset, int value) throws Exception {
        gateway.write(OID, offset, block(value), WriteMode.EXISTING, false).get(10, TimeUnit.SECONDS);
    }

    private ObjectCheck check() throws Exception {
        return gateway.check(OID).get(30, TimeUnit.SECONDS);
    }

    /** Writes blocks 0 and 2 (so the object has a hole) on every replica. */
    private void writeObject() throws Exception {
        gateway.write(OID, 0, block(1), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
        write(2L * ObjectLayout.BLOCK_SIZE, 2);
    }

    private void assertEveryReplicaHolds(byte[] expected) throws Exception {
        for (PeerNodes.Node n : cluster.nodes) {
            assertThat(n.memory.export(OID)).as("replica on %s", n.address.hostPort()).isPresent();
            assertThat(n.memory.contents(OID)).as("replica on %s", n.address.hostPort()).isEqualTo(expected);
        }
    }

    /** The single finding of {@code result}, which must concern node {@code i}. */
    private Finding onlyFinding(ObjectCheck result, int i) {
        assertThat(result.findings()).as(result.toString()).hasSize(1);
        Finding f = result.findings().get(0);
        assertThat(f.node()).isEqualTo(cluster.node(i).address.hostPort());
        return f;
    }

    @Test
    void equalReplicasAreOkAndNothingIsRepaired() throws Exception {
        writeObject();
        ObjectCheck result = check();
        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.replicas()).isEqualTo(3);
        assertThat(result.findings()).isEmpty();
        assertThat(result.version()).isEqualTo(cluster.node(1).memory.stat(OID).orElseThrow().version().toString());
        assertThat(metrics.repaired()).isEqualTo(0);
    }

    @Test
    void aMissingReplicaIsRepaired() throws Exception {
        writeObject();
        byte[] good = cluster.node(0).memory.contents(OID);
        cluster.node(1).memory.delete(OID);

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.REPAIRED);
        Finding f = onlyFinding(result, 1);
        assertThat(f.problem()).isEqualTo(Problem.MISSING);
        assertThat(f.repaired()).isTrue();
        assertThat(metrics.repaired()).isEqualTo(1);
        assertEveryReplicaHolds(good);
        assertThat(check().outcome()).as("a second check").isEqualTo(Outcome.OK);
    }

    @Test
    void aDamagedReplicaIsRepairedAndKeepsItsHole() throws Exception {
        writeObject();
        byte[] good = cluster.node(0).memory.contents(OID);
        cluster.node(2).memory.corruptBlock(OID, 2);

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.REPAIRED);
        assertThat(onlyFinding(result, 2).problem()).isEqualTo(Problem.DAMAGED);
        assertThat(metrics.repaired()).isEqualTo(1);
        assertEveryReplicaHolds(good);
        assertThat(cluster.node(2).memory.allocation(OID)).isEqualTo(cluster.node(0).memory.allocation(OID));
        assertThat(check().outcome()).isEqualTo(Outcome.OK);
    }

    @Test
    void anOlderReplicaIsBroughtUpToTheNewestVersion() throws Exception {
        writeObject();
        ObjectImage before = cluster.node(1).memory.export(OID).orElseThrow();
        write(0, 7);
        byte[] good = cluster.node(0).memory.contents(OID);
        cluster.node(1).memory.install(before, false); // node 1 missed the last write

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.REPAIRED);
        Finding f = onlyFinding(result, 1);
        assertThat(f.problem()).isEqualTo(Problem.STALE);
        assertThat(f.detail()).contains(before.version().toString());
        assertEveryReplicaHolds(good);
        assertThat(cluster.node(1).memory.stat(OID).orElseThrow().version())
                .isEqualTo(cluster.node(0).memory.stat(OID).orElseThrow().version());
    }

    @Test
    void anOlderVersionWithTheSameContentIsConsistent() throws Exception {
        writeObject();
        write(0, 7);
        ObjectImage same = cluster.node(0).memory.export(OID).orElseThrow();
        write(0, 7); // a write retried after an epoch change: applied twice here, once on node 1
        cluster.node(1).memory.install(same, false);
        cluster.node(2).memory.install(same, false);
        assertThat(cluster.node(1).memory.stat(OID).orElseThrow().version())
                .isLessThan(cluster.node(0).memory.stat(OID).orElseThrow().version());

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.OK);
        assertThat(result.findings()).isEmpty();
    }

    @Test
    void aDivergentReplicaOfTheSameVersionTakesTheMajoritysContent() throws Exception {
        writeObject();
        byte[] good = cluster.node(0).memory.contents(OID);
        ObjectImage image = cluster.node(0).memory.export(OID).orElseThrow();
        // Same version, one byte different: only the digest can tell.
        ByteBuffer blocks = ByteBuffer.allocate(image.blocks().remaining()).put(image.blocks().duplicate()).flip();
        blocks.put(5, (byte) 0x55);
        cluster.node(0).memory.install(new ObjectImage(OID, image.version(), image.allocation(), blocks), false);

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.REPAIRED);
        Finding f = onlyFinding(result, 0);
        assertThat(f.problem()).isEqualTo(Problem.DIVERGENT);
        assertThat(f.repaired()).isTrue();
        assertEveryReplicaHolds(good);
    }

    @Test
    void aHoleAndAnAllocatedBlockOfZeroesDiffer() throws Exception {
        writeObject();
        ObjectImage image = cluster.node(2).memory.export(OID).orElseThrow();
        BitSet more = (BitSet) image.allocation().clone();
        more.set(5);
        ByteBuffer blocks = ByteBuffer.allocate(image.blocks().remaining() + ObjectLayout.BLOCK_SIZE);
        blocks.put(image.blocks().duplicate()).position(blocks.limit()).flip();
        cluster.node(2).memory.install(new ObjectImage(OID, image.version(), more, blocks), false);

        ObjectCheck result = check();

        assertThat(onlyFinding(result, 2).problem()).isEqualTo(Problem.DIVERGENT);
        assertThat(cluster.node(2).memory.allocation(OID).get(5)).as("the extra block is gone").isFalse();
    }

    @Test
    void noGoodReplicaIsUnrecoverableAndNothingIsRepaired() throws Exception {
        writeObject();
        cluster.node(0).memory.corruptBlock(OID, 0);
        cluster.node(1).memory.corruptBlock(OID, 2);
        cluster.node(2).memory.delete(OID);

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.UNRECOVERABLE);
        assertThat(result.version()).isEmpty();
        assertThat(result.findings()).extracting(Finding::problem)
                .containsExactlyInAnyOrder(Problem.DAMAGED, Problem.DAMAGED, Problem.MISSING);
        assertThat(result.findings()).noneMatch(Finding::repaired);
        assertThat(metrics.repaired()).isEqualTo(0);
    }

    @Test
    void anObjectNoReplicaHoldsIsAbsent() throws Exception {
        ObjectCheck result = check();
        assertThat(result.outcome()).isEqualTo(Outcome.ABSENT);
        assertThat(result.findings()).extracting(Finding::problem).containsOnly(Problem.MISSING);
        assertThat(metrics.repaired()).isEqualTo(0);
    }

    @Test
    void anUnreachableReplicaIsReportedNotRepaired() throws Exception {
        writeObject();
        cluster.node(1).memory.delete(OID);
        cluster.node(2).ops.hang(true);

        ObjectCheck result = check();

        assertThat(result.outcome()).isEqualTo(Outcome.INCOMPLETE);
        assertThat(result.findings()).extracting(Finding::node, Finding::problem, Finding::repaired)
                .containsExactlyInAnyOrder(
                        tuple(cluster.node(1).address.hostPort(), Problem.MISSING, true),
                        tuple(cluster.node(2).address.hostPort(), Problem.UNREACHABLE, false));
        assertThat(metrics.repaired()).isEqualTo(1);
    }
}
