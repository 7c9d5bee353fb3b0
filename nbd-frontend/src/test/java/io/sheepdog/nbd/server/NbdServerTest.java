package io.sheepdog.nbd.server;

import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_BLOCK_STATUS;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_READ;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_TRIM;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_WRITE;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_WRITE_ZEROES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ForwardingBlockDevice;
import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import io.sheepdog.nbd.testutil.Await;
import io.sheepdog.nbd.testutil.NbdTestClient;
import io.sheepdog.nbd.testutil.Wire;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NbdServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_PAYLOAD = 256 * 1024;

    private final ExecutorService deviceThreads = Executors.newFixedThreadPool(4);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MemoryExportProvider exports;
    private MemoryBlockDevice disk;
    private NbdServer server;
    private int port;

    private void start(BlockDevice extra) throws IOException {
        disk = new MemoryBlockDevice(16 << 20, deviceThreads);
        exports = new MemoryExportProvider().add("disk", "test disk", disk);
        if (extra != null) {
            exports.add("extra", "", extra);
        }
        server = new NbdServer(NbdServerConfig.builder().port(0).maxPayload(MAX_PAYLOAD).eventLoopThreads(2).build(),
                exports);
        port = server.start();
    }

    private NbdTestClient client(boolean structured) throws IOException {
        return client("disk", structured);
    }

    private NbdTestClient client(String export, boolean structured) throws IOException {
        NbdTestClient c = NbdTestClient.connect(port, export, structured, structured);
        toClose.add(c);
        return c;
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        deviceThreads.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, TIMEOUT, what);
    }

    @Test
    void startBindsAFreePortAndCloseStopsListeningAndDropsConnections() throws Exception {
        start(null);
        assertThat(port).isPositive().isEqualTo(server.port());
        NbdTestClient c = client(true);
        assertThat(c.size()).isEqualTo(16 << 20);
        assertThat(server.connectionCount()).isEqualTo(1);
        server.close();
        assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        await(() -> exports.openDevices() == 0, "device closed");
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void bindingABusyPortFails() throws Exception {
        start(null);
        NbdServer second = new NbdServer(NbdServerConfig.builder().port(port).build(), exports);
        try {
            assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining("cannot bind");
        } finally {
            second.close();
        }
    }

    @Test
    void manyClientsAtOnceWithPipelinedRequests() throws Exception {
        start(null);
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                results.add(pool.submit(() -> {
                    exercise(id, id % 2 == 0);
                    return null;
                }));
            }
            for (Future<Void> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        await(() -> exports.openDevices() == 0, "every device closed");
    }

    private void exercise(int id, boolean structured) throws Exception {
        try (NbdTestClient c = NbdTestClient.connect(port, "disk", structured, structured)) {
            long base = id * (1L << 20);
            List<Long> cookies = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                cookies.add(c.sendWrite(base + i * 65536L, Wire.pattern(65536, id * 16 + i), 0));
            }
            for (int i = 0; i < 16; i++) {
                NbdTestClient.Reply r = c.reply(TIMEOUT);
                assertThat(r.error()).isZero();
                assertThat(cookies).contains(r.cookie());
            }
            for (int i = 0; i < 16; i++) {
                c.sendRead(base + i * 65536L, 65536, 0);
            }
            for (int i = 0; i < 16; i++) {
                NbdTestClient.Reply r = c.reply(TIMEOUT);
                int index = (int) (r.cookie() - 17);
                assertThat(r.data()).isEqualTo(Wire.pattern(65536, id * 16 + index));
            }
            c.disconnect();
            assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    void aProtocolViolationClosesOnlyThatConnection() throws Exception {
        start(null);
        NbdTestClient bad = client(false);
        NbdTestClient oversized = client(true);
        NbdTestClient good = client(true);
        bad.sendRaw(Wire.bytes().u32(0x12345678).zeroes(24).array());
        oversized.sendRaw(Wire.request(0, CMD_WRITE, 1, 0, MAX_PAYLOAD + 1L));
        assertThat(bad.awaitClosed(TIMEOUT)).isTrue();
        assertThat(oversized.awaitClosed(TIMEOUT)).isTrue();
        NbdTestClient.Reply r = good.call(CMD_WRITE, 0, 0, 3, new byte[] {1, 2, 3});
        assertThat(r.error()).isZero();
        assertThat(good.call(CMD_READ, 0, 0, 3, null).data()).containsExactly(1, 2, 3);
        await(() -> exports.openDevices() == 1, "the two closed connections' devices closed");
    }

    @Test
    void errorsKeepTheSessionUsable() throws Exception {
        start(null);
        NbdTestClient c = client(true);
        long size = c.size();
        assertThat(c.call(CMD_READ, 0, size - 512, 4096, null).error()).isEqualTo(22);
        assertThat(c.call(CMD_WRITE, 0, size - 512, 4096, new byte[4096]).error()).isEqualTo(28);
        assertThat(c.call(CMD_TRIM, 0, size, 1, null).error()).isEqualTo(22);
        assertThat(c.call(99, 0, 0, 0, null).error()).isEqualTo(22);
        assertThat(c.call(CMD_READ, 0, size - 1, 1, null).data()).containsExactly(0);
    }

    @Test
    void repliesLeaveOutOfOrderWhenTheDeviceCompletesOutOfOrder() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        MemoryBlockDevice backing = new MemoryBlockDevice(1 << 20, deviceThreads);
        start(new GatedDevice(backing, gate));
        NbdTestClient c = client("extra", true);
        long slow = c.sendRead(0, 4096, 0); // held by the gate
        long fast = c.sendRead(8192, 4096, 0);
        NbdTestClient.Reply first = c.reply(TIMEOUT);
        assertThat(first.cookie()).isEqualTo(fast);
        gate.complete(null);
        NbdTestClient.Reply second = c.reply(TIMEOUT);
        assertThat(second.cookie()).isEqualTo(slow);
        assertThat(second.data()).hasSize(4096);
    }

    @Test
    void disconnectAnswersEveryPipelinedRequestFirst() throws Exception {
        start(null);
        NbdTestClient c = client(false);
        for (int i = 0; i < 32; i++) {
            c.sendWrite(i * 4096L, Wire.pattern(4096, i), 0);
        }
        c.disconnect();
        for (int i = 0; i < 32; i++) {
            assertThat(c.reply(TIMEOUT).error()).isZero();
        }
        assertThat(c.awaitClosed(TIMEOUT)).isTrue();
        for (int i = 0; i < 32; i++) {
            assertThat(disk.snapshot(i * 4096L, 4096)).isEqualTo(Wire.pattern(4096, i));
        }
        await(() -> exports.openDevices() == 0, "device closed");
    }

    @Test
    void gigabyteTrimsZeroesAndBlockStatusWithoutBuffers() throws Exception {
        long size = 16L << 30;
        MemoryBlockDevice big = new MemoryBlockDevice(size, 1 << 20, false, deviceThreads);
        start(big);
        NbdTestClient c = client("extra", true);
        assertThat(c.call(CMD_WRITE, 0, size - 4, 4, new byte[] {1, 2, 3, 4}).error()).isZero();
        assertThat(c.call(CMD_WRITE_ZEROES, 0, size - 0xFFFF_FFFFL, 0xFFFF_FFFFL, null).error()).isZero();
        assertThat(c.call(CMD_TRIM, 0, 0, 0xFFFF_FFFFL, null).error()).isZero();
        assertThat(c.call(CMD_READ, 0, size - 4, 4, null).data()).containsExactly(0, 0, 0, 0);
        assertThat(c.call(CMD_WRITE, 0, 1L << 32, 1, new byte[] {9}).error()).isZero();
        NbdTestClient.Reply status = c.call(CMD_BLOCK_STATUS, 0, 0, 0xFFFF_FFFFL, null);
        assertThat(status.error()).isZero();
        // one hole, cut into 4096-aligned descriptors because a descriptor length has 32 bits
        assertThat(status.extents()).allSatisfy(e -> assertThat(e[1]).isEqualTo(3)); // hole + zero
        assertThat(status.extents().stream().mapToLong(e -> e[0]).sum()).isEqualTo(0xFFFF_FFFFL);
        NbdTestClient.Reply data = c.call(CMD_BLOCK_STATUS, 0, 1L << 32, 0xFFFF_FFFFL, null);
        assertThat(data.extents().get(0)).containsExactly(1 << 20, 0);
        assertThat(big.allocatedBytes()).isEqualTo(1 << 20);
    }

    /**
     * The attach completes on a device thread while the event loop goes on: the client is let in only then, and a
     * client that left while its attach was pending gets its device closed once the attach completes.
     */
    @Test
    void anAttachCompletingOnAnotherThreadAdmitsTheClientAndALateDeviceIsClosed() throws Exception {
        disk = new MemoryBlockDevice(16 << 20, deviceThreads);
        exports = new MemoryExportProvider().add("disk", "test disk", disk);
        HeldAttachProvider held = new HeldAttachProvider(exports);
        server = new NbdServer(NbdServerConfig.builder().port(0).eventLoopThreads(1).build(), held);
        port = server.start();
        ExecutorService clientThread = Executors.newSingleThreadExecutor();
        toClose.add(clientThread::shutdownNow);
        Future<NbdTestClient> connecting = clientThread.submit(() -> NbdTestClient.connect(port, "disk", true, true));
        await(() -> held.calls.size() == 1, "the attach");
        assertThat(held.calls.get(0).client().host()).isEqualTo("127.0.0.1");

        try (Socket leaving = new Socket("127.0.0.1", port)) {
            leaving.getInputStream().readNBytes(18); // the greeting
            leaving.getOutputStream().write(Wire.concat(Wire.bytes().u32(3).array(),
                    Wire.option(7, Wire.infoData("disk"))));
            await(() -> held.calls.size() == 2, "the leaving client's attach");
        }
        assertThat(connecting.isDone()).as("the first client waits for its attach").isFalse();

        deviceThreads.execute(() -> held.open(0));
        NbdTestClient c = connecting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        toClose.add(c);
        assertThat(c.call(CMD_WRITE, 0, 4096, 3, new byte[] {4, 5, 6}).error()).isZero();
        assertThat(c.call(CMD_READ, 0, 4096, 3, null).data()).containsExactly(4, 5, 6);

        deviceThreads.execute(() -> held.open(1));
        await(() -> exports.openDevices() == 1, "the leaving client's device closed");
        await(() -> server.connectionCount() == 1, "the leaving client's connection closed");
    }

    /** Holds reads at offset 0 until the gate opens; everything else goes straight through. */
    private static final class GatedDevice extends ForwardingBlockDevice {
        private final CompletableFuture<Void> gate;

        GatedDevice(BlockDevice device, CompletableFuture<Void> gate) {
            super(device);
            this.gate = gate;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public boolean multiConn() {
            return false;
        }

        @Override
        public CompletableFuture<ByteBuf> read(long offset, int length) {
            return offset == 0 ? gate.thenCompose(v -> delegate().read(offset, length))
                    : delegate().read(offset, length);
        }
    }
}
