package io.sheepdog.daemon.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.security.Role;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.SheepProcess;
import io.sheepdog.daemon.testing.security.TestKeys;
import io.sheepdog.store.ObjectId;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three sheep started with the cluster's keys (docs/operations.md, "Keys"): they form the cluster and replicate over
 * TLS, and each attack of a process that merely reaches the ports fails with a clear error: a plaintext format or
 * shutdown, an admin key's peer write, a peer write with a node key of another cluster, and a node of another
 * cluster joining.
 */
@Tag("cluster")
class SecureClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void onlyTheClustersKeysGetIn() throws Exception {
        TestKeys keys = TestKeys.create(work.resolve("keys"), "secure");
        try (ProcessCluster cluster = ProcessCluster.builder(work.resolve("cluster")).nodes(3).copies(3)
                .keys(keys).awaitTimeout(Duration.ofSeconds(60)).start()) {
            try {
                VdiInfo vdi = cluster.client(0).create("guarded", 8L << 20, 0);
                byte[] data = new byte[64 * 1024];
                Arrays.fill(data, (byte) 0x5a);
                cluster.client(0).write(vdi.vid(), 0, Unpooled.wrappedBuffer(data), true).get(30, TimeUnit.SECONDS);
                ByteBuf back = cluster.client(2).read(vdi.vid(), 0, data.length).get(30, TimeUnit.SECONDS);
                try {
                    assertThat(ByteBufUtil.getBytes(back)).as("written through node 0 over TLS peers, read "
                            + "through node 2").isEqualTo(data);
                } finally {
                    back.release();
                }

                NodeEndpoint node0 = cluster.endpoint(0);
                for (SheepRequest attack : List.of(SheepRequest.of(Opcode.CLUSTER_FORMAT, 1 << 1, 0, 0, 0, 1,
                        Unpooled.EMPTY_BUFFER), SheepRequest.of(Opcode.CLUSTER_SHUTDOWN), peerWrite(vdi))) {
                    assertThat(refusal(node0, Optional.empty(), attack)).as("plaintext " + attack.opcode())
                            .contains("takes only TLS connections");
                }
                assertThat(refusal(node0, Optional.of(keys.admin()), peerWrite(vdi)))
                        .contains("admin (role admin) may not PEER_WRITE_OBJ");
                assertThat(refusal(node0, Optional.of(keys.client("ops", "user")), SheepRequest.of(
                        Opcode.CLUSTER_SHUTDOWN))).contains("ops (role user) may not CLUSTER_SHUTDOWN");

                TestKeys other = TestKeys.create(work.resolve("other"), "other");
                Path foreignNode = work.resolve("foreign-node-key");
                other.issue("node 127.0.0.1:1", Role.NODE.label(), Instant.now().minusSeconds(60),
                        Duration.ofHours(1)).saveClient(foreignNode);
                assertThatThrownBy(() -> refusal(node0, Optional.of(foreignNode), peerWrite(vdi)))
                        .isInstanceOf(SheepException.class)
                        .satisfies(e -> assertThat(((SheepException) e).result())
                                .isEqualTo(ResultCode.NOT_AUTHORIZED));

                try (SheepProcess stranger = SheepProcess.builder(work.resolve("stranger"))
                        .join(List.of(node0.port())).daemonArgs("--keys", other.dir().toString())
                        .readyTimeout(Duration.ofSeconds(60)).start()) {
                    NodeEndpoint alone = new NodeEndpoint(3, stranger.host(), stranger.port(), stranger.nbdPort(),
                            Optional.of(other.admin()));
                    try (SheepClient c = alone.connect()) {
                        assertThat(c.nodes()).as("the stranger's own view").hasSize(1);
                    }
                    assertThat(cluster.client(0).nodes()).as("the cluster's view").hasSize(3);
                    assertThat(stranger.log()).as("the stranger is told why").contains(
                            "refused the TLS certificate of", "not signed by this cluster's CA");
                    assertThat(cluster.client(1).info().status()).containsIgnoringCase("running");
                }
                // and the data is untouched
                ByteBuf again = cluster.client(1).read(vdi.vid(), 0, data.length).get(30, TimeUnit.SECONDS);
                try {
                    assertThat(ByteBufUtil.getBytes(again)).isEqualTo(data);
                } finally {
                    again.release();
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.logTails());
                throw e;
            }
        }
    }

    /** A peer write of zeroes over the VDI's first object, as a node would send it. */
    private static SheepRequest peerWrite(VdiInfo vdi) {
        return SheepRequest.of(Opcode.PEER_WRITE_OBJ, 0, ObjectId.data(vdi.vid(), 0), 0, 0, 0,
                Unpooled.wrappedBuffer(new byte[4096]));
    }

    /** Sends {@code request} as a client with {@code key} (or plaintext) and returns the NOT_AUTHORIZED message. */
    private static String refusal(NodeEndpoint node, Optional<Path> key, SheepRequest request) throws Exception {
        try (SheepClient c = SheepClient.connect(node.host(), node.port(),
                TestKeys.withKey(SheepClientConfig.of(TIMEOUT), key))) {
            SheepResponse r = c.call(request).get(30, TimeUnit.SECONDS);
            try {
                SheepException e = r.toException();
                assertThat(e).as(request.opcode() + " was not refused").isNotNull();
                assertThat(e.result()).as(e.getMessage()).isEqualTo(ResultCode.NOT_AUTHORIZED);
                return e.getMessage();
            } finally {
                r.release();
            }
        }
    }
}
