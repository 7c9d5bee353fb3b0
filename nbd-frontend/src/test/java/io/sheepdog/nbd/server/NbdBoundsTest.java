package io.sheepdog.nbd.server;

import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_READ;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.nbd.limit.ServerLimits;
import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import io.sheepdog.nbd.testutil.Await;
import io.sheepdog.nbd.testutil.NbdTestClient;
import io.sheepdog.nbd.testutil.Wire;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounds of docs/architecture.md ("Bounded resources") on real sockets: a client that asks for many reads and
 * never reads the replies holds at most its share of the budget while another client is served, and is closed
 * after the stall timeout; an idle handshake is closed; a connection over the limit gets nothing.
 */
class NbdBoundsTest {

    private static final int MAX_PAYLOAD = 1 << 20;
    private static final long BUDGET = 8L << 20;
    private static final long SHARE = 2L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ExecutorService deviceThreads = Executors.newFixedThreadPool(4);
    private NbdServer server;
    private int port;

    private void start(Duration handshakeTimeout, int maxConnections) throws Exception {
        MemoryExportProvider exports = new MemoryExportProvider()
                .add("disk", "test disk", new MemoryBlockDevice(64 << 20, deviceThreads));
        ServerLimits limits = new ServerLimits(BUDGET, SHARE, maxConnections, handshakeTimeout, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        server = new NbdServer(NbdServerConfig.builder().port(0).maxPayload(MAX_PAYLOAD).eventLoopThreads(2)
                .limits(limits).build(), exports);
        port = server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        deviceThreads.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, TIMEOUT, what);
    }

    @Test
    void aClientNotReadingItsRepliesHoldsItsShareOthersAreServedAndItIsClosed() throws Exception {
        start(Duration.ofSeconds(10), 16);
        AtomicLong most = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                most.accumulateAndGet(server.bytesInFlight(), Math::max);
                Thread.onSpinWait();
            }
        });
        try (Socket attacker = NbdTestClient.connectUnread(port, "disk");
             NbdTestClient victim = NbdTestClient.connect(port, "disk", true, false)) {
            sampler.start();
            OutputStream out = attacker.getOutputStream();
            for (int i = 0; i < 64; i++) {
                out.write(Wire.request(0, CMD_READ, i + 1, 0, MAX_PAYLOAD));
            }
            out.flush();
            await(() -> server.bytesInFlight() >= SHARE, "the attacker holding its share");
            Random random = new Random(7);
            for (int i = 0; i < 16; i++) {
                byte[] data = new byte[MAX_PAYLOAD];
                random.nextBytes(data);
                long offset = (long) (i + 1) * MAX_PAYLOAD;
                assertThat(victim.call(CMD_WRITE, 0, offset, data.length, data).error()).isZero();
                assertThat(victim.call(CMD_READ, 0, offset, data.length, null).data()).isEqualTo(data);
            }
            await(() -> server.connectionCount() == 1, "the attacker closed after the stall timeout");
            assertThat(victim.call(CMD_READ, 0, 0, 4096, null).error()).as("the victim is still served").isZero();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(most.get()).as("bytes in flight at most the budget").isLessThanOrEqualTo(BUDGET);
        await(() -> server.bytesInFlight() == 0, "every closed connection's bytes given back");
    }

    @Test
    void aHandshakeNotFinishedInTimeIsClosedAndAFinishedOneIsNot() throws Exception {
        start(Duration.ofSeconds(1), 16);
        try (NbdTestClient done = NbdTestClient.connect(port, "disk", true, false);
             Socket idle = new Socket()) {
            idle.connect(new InetSocketAddress("127.0.0.1", port));
            idle.setSoTimeout((int) TIMEOUT.toMillis());
            InputStream in = idle.getInputStream();
            assertThat(in.readNBytes(18)).as("the greeting").hasSize(18);
            assertThat(in.read()).as("closed by the server after the handshake timeout").isEqualTo(-1);
            assertThat(done.call(CMD_READ, 0, 0, 4096, null).error()).isZero();
        }
    }

    @Test
    void aConnectionOverTheLimitIsClosedWithoutAGreeting() throws Exception {
        start(Duration.ofSeconds(10), 2);
        try (Socket one = new Socket("127.0.0.1", port); Socket two = new Socket("127.0.0.1", port);
             Socket three = new Socket("127.0.0.1", port)) {
            three.setSoTimeout((int) TIMEOUT.toMillis());
            one.setSoTimeout((int) TIMEOUT.toMillis());
            assertThat(three.getInputStream().read()).as("refused: nothing is sent").isEqualTo(-1);
            assertThat(one.getInputStream().readNBytes(18)).as("the first two are greeted").hasSize(18);
            await(() -> server.connectionCount() == 2, "the refused connection not counted");
        }
    }
}
