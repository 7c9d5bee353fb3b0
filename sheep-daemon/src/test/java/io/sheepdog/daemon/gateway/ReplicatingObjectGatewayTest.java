package io.sheepdog.daemon.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The replicating gateway on node 0 of three in-process sheep: where writes, zeroes, removes and flushes land, and
 * which replica each read policy reads from (counted at each node's store).
 */
@ExtendWith(NettyLeakCheck.class)
class ReplicatingObjectGatewayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private PeerNodes cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new PeerNodes(3, TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void writesLandOnEveryReplicaAndNowhereElse() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.LOCAL_FIRST, TIMEOUT);
        Random random = new Random(1);
        List<Long> oids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            oids.add(ObjectId.data(PeerNodes.VID_3_COPIES, i));
            oids.add(ObjectId.data(PeerNodes.VID_2_COPIES, i));
        }
        oids.add(ObjectId.inode(PeerNodes.VID_2_COPIES));
        for (long oid : oids) {
            byte[] data = new byte[3 * ObjectLayout.BLOCK_SIZE + 17];
            random.nextBytes(data);
            ByteBuffer src = ByteBuffer.wrap(data);
            gateway.write(oid, 8192, src, WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
            assertThat(src.hasRemaining()).as("a completed write consumed src").isFalse();

            List<NodeAddress> replicas = cluster.placement(0).replicas(oid, PeerNodes.copies(ObjectId.vid(oid)));
            assertThat(replicas).hasSize(PeerNodes.copies(ObjectId.vid(oid)));
            byte[] expected = new byte[ObjectLayout.OBJECT_SIZE];
            System.arraycopy(data, 0, expected, 8192, data.length);
            for (PeerNodes.Node node : cluster.nodes) {
                Optional<ObjectInfo> info = node.memory.stat(oid);
                if (replicas.contains(node.address)) {
                    assertThat(info).as("replica %s of %s", node.address, ObjectId.toString(oid)).isPresent();
                    assertThat(info.get().version().epoch()).isEqualTo(1);
                    assertThat(node.memory.contents(oid)).isEqualTo(expected);
                } else {
                    assertThat(info).as("non-replica %s of %s", node.address, ObjectId.toString(oid)).isEmpty();
                }
            }
        }
        // Every node got a share: placement spread the objects.
        for (PeerNodes.Node node : cluster.nodes) {
            assertThat(node.store.writes.get()).isPositive();
        }
    }

    @Test
    void readsFollowTheReadPolicy() throws Exception {
        ReplicatingObjectGateway localFirst = cluster.gateway(0, ReadPolicy.LOCAL_FIRST, TIMEOUT);
        ReplicatingObjectGateway primary = cluster.gateway(0, ReadPolicy.PRIMARY, TIMEOUT);
        ReplicatingObjectGateway roundRobin = cluster.gateway(0, ReadPolicy.ROUND_ROBIN, TIMEOUT);
        NodeAddress self = cluster.node(0).address;
        long withLocal = -1;
        long withoutLocal = -1;
        for (int i = 0; withLocal < 0 || withoutLocal < 0; i++) {
            long oid = ObjectId.data(PeerNodes.VID_2_COPIES, i);
            List<NodeAddress> replicas = cluster.placement(0).replicas(oid, 2);
            if (replicas.contains(self) && !replicas.get(0).equals(self) && withLocal < 0) {
                withLocal = oid;
            } else if (!replicas.contains(self) && withoutLocal < 0) {
                withoutLocal = oid;
            }
        }
        for (long oid : new long[] {withLocal, withoutLocal}) {
            byte[] data = new byte[4096];
            new Random(oid).nextBytes(data);
            localFirst.write(oid, 0, ByteBuffer.wrap(data), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
            List<NodeAddress> replicas = cluster.placement(0).replicas(oid, 2);
            NodeAddress first = replicas.get(0);

            assertReads(localFirst, oid, data, 4, replicas.contains(self) ? self : first);
            assertReads(primary, oid, data, 4, first);

            cluster.resetCounters();
            for (int i = 0; i < 6; i++) {
                assertThat(read(roundRobin, oid, data.length)).isEqualTo(data);
            }
            for (NodeAddress r : replicas) {
                assertThat(cluster.at(r).store.reads.get()).as("round-robin reads at %s", r).isEqualTo(3);
            }
            assertThat(cluster.nodes.stream().mapToInt(n -> n.store.reads.get()).sum()).isEqualTo(6);
        }
    }

    private void assertReads(ReplicatingObjectGateway gateway, long oid, byte[] data, int times,
                             NodeAddress expected) throws Exception {
        cluster.resetCounters();
        for (int i = 0; i < times; i++) {
            assertThat(read(gateway, oid, data.length)).isEqualTo(data);
        }
        for (PeerNodes.Node node : cluster.nodes) {
            assertThat(node.store.reads.get()).as("reads at %s", node.address)
                    .isEqualTo(node.address.equals(expected) ? times : 0);
        }
    }

    private static byte[] read(ReplicatingObjectGateway gateway, long oid, int length) throws Exception {
        ByteBuffer dst = ByteBuffer.allocate(length);
        gateway.read(oid, 0, dst).get(10, TimeUnit.SECONDS);
        assertThat(dst.hasRemaining()).as("a completed read filled dst").isFalse();
        return dst.array();
    }

    @Test
    void zeroRemoveAllocationAndFlushReachTheRightNodes() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.PRIMARY, TIMEOUT);
        long oid = ObjectId.data(PeerNodes.VID_2_COPIES, 7);
        List<NodeAddress> replicas = cluster.placement(0).replicas(oid, 2);
        byte[] data = new byte[4 * ObjectLayout.BLOCK_SIZE];
        Arrays.fill(data, (byte) 0x5a);
        gateway.write(oid, 0, ByteBuffer.wrap(data), WriteMode.FRESH, true).get(10, TimeUnit.SECONDS);

        gateway.zero(oid, ObjectLayout.BLOCK_SIZE, ObjectLayout.BLOCK_SIZE, true, false).get(10, TimeUnit.SECONDS);
        BitSet expected = new BitSet();
        expected.set(0);
        expected.set(2, 4);
        assertThat(gateway.allocation(oid).get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        for (NodeAddress r : replicas) {
            assertThat(cluster.at(r).memory.allocation(oid)).isEqualTo(expected);
        }
        assertThat(cluster.at(replicas.get(0)).store.allocations.get()).isEqualTo(1);

        cluster.resetCounters();
        gateway.flush().get(10, TimeUnit.SECONDS);
        for (PeerNodes.Node node : cluster.nodes) {
            assertThat(node.store.flushes.get()).as("flush at %s", node.address).isEqualTo(1);
        }

        gateway.remove(oid).get(10, TimeUnit.SECONDS);
        for (PeerNodes.Node node : cluster.nodes) {
            assertThat(node.memory.stat(oid)).isEmpty();
            assertThat(node.store.deletes.get()).isEqualTo(replicas.contains(node.address) ? 1 : 0);
        }
    }

    @Test
    void createDropsWhatTheReplicasHeldBefore() throws Exception {
        ReplicatingObjectGateway gateway = cluster.gateway(0, ReadPolicy.ROUND_ROBIN, TIMEOUT);
        long oid = ObjectId.data(PeerNodes.VID_3_COPIES, 3);
        byte[] old = new byte[8192];
        Arrays.fill(old, (byte) 1);
        gateway.write(oid, 0, ByteBuffer.wrap(old), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
        byte[] fresh = new byte[4096];
        Arrays.fill(fresh, (byte) 2);
        gateway.write(oid, 4096, ByteBuffer.wrap(fresh), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
        byte[] expected = new byte[8192];
        System.arraycopy(fresh, 0, expected, 4096, 4096);
        for (PeerNodes.Node node : cluster.nodes) {
            assertThat(Arrays.copyOf(node.memory.contents(oid), 8192)).isEqualTo(expected);
        }
    }
}
