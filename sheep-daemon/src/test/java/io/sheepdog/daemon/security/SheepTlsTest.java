package io.sheepdog.daemon.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.security.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SheepServer started with keys against real TLS clients over loopback: who gets in, what each role may do, and
 * what a refused client is told. The server serves a FakeSheep and no replicas, so a peer operation that passes the
 * authorizer is answered NOT_SUPPORTED, one it stops NOT_AUTHORIZED.
 */
class SheepTlsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestKeys keys;
    private SheepServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        keys = TestKeys.create(dir.resolve("keys"), "tls-test");
        FakeSheep sheep = new FakeSheep();
        Credentials node = ClusterCa.load(keys.dir()).issue(Identity.of("node 127.0.0.1:0", Role.NODE),
                List.of("127.0.0.1"), Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));
        server = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), sheep, sheep, null,
                Optional.of(new TlsContexts(node).server()));
        port = server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SheepClient connect(Path key) throws SheepException {
        return SheepClient.connect("127.0.0.1", port, TestKeys.withKey(SheepClientConfig.of(TIMEOUT),
                Optional.of(key)));
    }

    private SheepClient connect(Credentials c) throws SheepException {
        return SheepClient.connect("127.0.0.1", port, SheepClientConfig.of(TIMEOUT)
                .withTls(Optional.of(new TlsContexts(c).client())));
    }

    private static ResultCode result(SheepClient c, SheepRequest r) throws Exception {
        SheepResponse response = c.call(r).get(10, TimeUnit.SECONDS);
        try {
            return response.result();
        } finally {
            response.release();
        }
    }

    @Test
    void anAdminFormatsAndListsButSendsNoPeerOperation() throws Exception {
        try (SheepClient admin = connect(keys.admin())) {
            admin.format(1, false, false);
            assertThat(admin.list()).isEmpty();
            assertThat(result(admin, SheepRequest.of(Opcode.PEER_WRITE_OBJ))).isEqualTo(ResultCode.NOT_AUTHORIZED);
            // the connection stays usable after a refusal
            assertThat(admin.info()).isNotNull();
        }
    }

    @Test
    void aNodeCertificatePassesThePeerOperations() throws Exception {
        Credentials node = keys.issue("node 127.0.0.1:1", Role.NODE.label(), Instant.now().minusSeconds(60),
                Duration.ofHours(1));
        try (SheepClient peer = connect(node)) {
            assertThat(result(peer, SheepRequest.of(Opcode.PEER_WRITE_OBJ))).isEqualTo(ResultCode.NOT_SUPPORTED);
        }
    }

    @Test
    void aReadOnlyKeyReadsButNeitherCreatesNorFormats() throws Exception {
        try (SheepClient admin = connect(keys.admin())) {
            admin.format(1, false, false);
        }
        try (SheepClient reader = connect(keys.client("auditor", "read-only"))) {
            assertThat(reader.list()).isEmpty();
            assertThatThrownBy(() -> reader.create("x", 1 << 20, 0)).isInstanceOf(SheepException.class)
                    .hasMessageContaining("auditor (role read-only) may not VDI_CREATE")
                    .satisfies(e -> assertThat(((SheepException) e).result()).isEqualTo(ResultCode.NOT_AUTHORIZED));
            assertThatThrownBy(() -> reader.format(1, false, true))
                    .hasMessageContaining("needs the admin permission");
        }
    }

    @Test
    void aVdiKeySeesOnlyClusterState() throws Exception {
        try (SheepClient vm = connect(keys.client("qemu-1", "vdi:alice"))) {
            assertThat(vm.info()).isNotNull();
            assertThatThrownBy(vm::list).hasMessageContaining("may not VDI_LIST");
        }
    }

    @Test
    void aPlaintextClientIsToldToUseAKey() {
        assertThatThrownBy(() -> {
            try (SheepClient plain = SheepClient.connect("127.0.0.1", port, TIMEOUT)) {
                plain.format(1, false, true);
            }
        }).isInstanceOf(SheepException.class).hasMessageContaining("takes only TLS connections")
                .hasMessageContaining("--key")
                .satisfies(e -> assertThat(((SheepException) e).result()).isEqualTo(ResultCode.NOT_AUTHORIZED));
    }

    @Test
    void aKeyOfAnotherClusterIsRefused() {
        TestKeys other = TestKeys.create(dir.resolve("other"), "other");
        assertThatThrownBy(() -> connect(other.admin()).close()).isInstanceOf(SheepException.class)
                .satisfies(e -> assertThat(((SheepException) e).result()).isEqualTo(ResultCode.NOT_AUTHORIZED))
                .hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void anExpiredKeyIsRefusedByTheServer() {
        Credentials expired = keys.issue("old", "admin", Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1));
        // TLS 1.3: the server judges the client's certificate after the client's handshake ended, so the refusal
        // arrives as an alert on the first request
        assertThatThrownBy(() -> {
            try (SheepClient c = connect(expired)) {
                c.info();
            }
        }).isInstanceOf(SheepException.class)
                .satisfies(e -> assertThat(((SheepException) e).result()).isEqualTo(ResultCode.NOT_AUTHORIZED))
                .hasMessageContaining("refused this key");
    }

    @Test
    void anExpiredKeyOnDiskIsRefusedBeforeConnecting() throws Exception {
        Path key = dir.resolve("expired");
        keys.issue("old", "admin", Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1)).saveClient(key);
        assertThatThrownBy(() -> Credentials.loadClient(key, Instant.now())).hasMessageContaining("expired on");
    }

    @Test
    void aConnectionThatNeverProvesWhoItIsIsClosed() throws Exception {
        FakeSheep sheep = new FakeSheep();
        Credentials node = keys.issue("node 127.0.0.1:2", Role.NODE.label(), Instant.now().minusSeconds(60),
                Duration.ofHours(1));
        try (SheepServer strict = new SheepServer(SheepServerConfig.of("127.0.0.1", 0).withLimits(
                SheepServerConfig.DEFAULT_LIMITS.withHandshakeTimeout(Duration.ofMillis(300))), sheep, sheep, null,
                Optional.of(new TlsContexts(node).server()));
             java.net.Socket silent = new java.net.Socket("127.0.0.1", strict.start())) {
            silent.setSoTimeout(30_000);
            // the server closes it: end of stream, not the 30 s read timeout
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aServerWithoutANodeCertificateIsNotTrusted() throws Exception {
        FakeSheep sheep = new FakeSheep();
        Credentials impostor = keys.issue("admin-as-server", "admin", Instant.now().minusSeconds(60),
                Duration.ofHours(1));
        try (SheepServer fake = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), sheep, sheep, null,
                Optional.of(new TlsContexts(impostor).server()))) {
            int fakePort = fake.start();
            assertThatThrownBy(() -> SheepClient.connect("127.0.0.1", fakePort, TestKeys.withKey(
                    SheepClientConfig.of(TIMEOUT), Optional.of(keys.admin()))).close())
                    .isInstanceOf(SheepException.class).hasMessageContaining("is not trusted by this key");
        }
    }
}
