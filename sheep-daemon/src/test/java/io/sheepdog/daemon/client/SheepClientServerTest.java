package io.sheepdog.daemon.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.ForwardingVdiOps;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SheepClient against a real SheepServer over loopback, serving FakeSheep: every operation, error propagation,
 * pipelining with out-of-order completion, timeouts, and the server going away mid-request.
 */
@ExtendWith(NettyLeakCheck.class)
class SheepClientServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long CREATED = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();

    private final FakeSheep sheep = new FakeSheep(Clock.fixed(Instant.ofEpochMilli(CREATED), ZoneOffset.UTC));
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private int serve(ClusterOps cluster, VdiOps vdis) throws IOException {
        SheepServer server = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), cluster, vdis);
        closeables.add(server);
        return server.start();
    }

    private SheepClient connect(int port) throws SheepException {
        SheepClient client = SheepClient.connect("127.0.0.1", port, TIMEOUT);
        closeables.add(client);
        return client;
    }

    private SheepClient formattedClient() throws Exception {
        SheepClient client = connect(serve(sheep, sheep));
        client.format(2, false, false);
        return client;
    }

    @Test
    void clusterOperations() throws Exception {
        SheepClient client = connect(serve(sheep, sheep));
        assertThat(client.info().formatted()).isFalse();
        client.format(3, true, false);
        ClusterInfo info = client.info();
        assertThat(info).isEqualTo(sheep.info());
        assertThat(info.copies()).isEqualTo(3);
        assertThat(info.strict()).isTrue();
        assertThat(info.createdMillis()).isEqualTo(CREATED);
        assertThat(info.epochs()).singleElement().satisfies(e -> assertThat(e.nodes()).containsExactly(
                "127.0.0.1:7000"));
        List<NodeInfo> nodes = client.nodes();
        assertThat(nodes).isEqualTo(sheep.nodes());
        assertThat(nodes).singleElement().satisfies(n -> assertThat(n.self()).isTrue());

        assertThatThrownBy(() -> client.format(3, false, false)).isInstanceOfSatisfying(SheepException.class,
                e -> {
                    assertThat(e.result()).isEqualTo(ResultCode.ALREADY_FORMATTED);
                    assertThat(e.getMessage()).contains("use --force");
                });
        client.format(1, false, true);
        assertThat(client.info().copies()).isEqualTo(1);
    }

    @Test
    void vdiAdministration() throws Exception {
        SheepClient client = formattedClient();
        VdiInfo created = client.create("alpha", 40L << 30, 0);
        assertThat(created.name()).isEqualTo("alpha");
        assertThat(created.size()).isEqualTo(40L << 30);
        assertThat(created.copies()).isEqualTo(2);
        client.create("beta", 1 << 20, 1);
        assertThat(client.list()).extracting(VdiInfo::name).containsExactly("alpha", "beta");
        assertThat(client.lookup("alpha")).isEqualTo(created);

        assertThatThrownBy(() -> client.create("alpha", 1, 0)).isInstanceOfSatisfying(SheepException.class,
                e -> assertThat(e.result()).isEqualTo(ResultCode.VDI_EXISTS));
        client.delete("alpha");
        assertThatThrownBy(() -> client.lookup("alpha")).isInstanceOfSatisfying(SheepException.class, e -> {
            assertThat(e.result()).isEqualTo(ResultCode.NO_VDI);
            assertThat(e.getMessage()).isEqualTo("VDI alpha does not exist");
        });
        assertThatThrownBy(() -> client.delete("alpha")).isInstanceOfSatisfying(SheepException.class,
                e -> assertThat(e.result()).isEqualTo(ResultCode.NO_VDI));
        // Names travel as JSON: quotes, backslashes and non-ASCII survive.
        String odd = "dq\" bs\\ ü 日本";
        assertThat(client.create(odd, 4096, 0).name()).isEqualTo(odd);
        assertThat(client.lookup(odd).name()).isEqualTo(odd);
    }

    @Test
    void notFormattedIsReported() throws Exception {
        SheepClient client = connect(serve(sheep, sheep));
        assertThatThrownBy(client::list).isInstanceOfSatisfying(SheepException.class,
                e -> assertThat(e.result()).isEqualTo(ResultCode.NOT_FORMATTED));
    }

    @Test
    void readWriteFlushRoundTrip() throws Exception {
        SheepClient client = formattedClient();
        int vid = client.create("data", 16L << 20, 0).vid();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] data = new byte[4 << 20];
        random.nextBytes(data);
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        long offset = (4L << 20) - 12345;
        client.write(vid, offset, buf, true).get();
        // The caller keeps its buffer.
        assertThat(buf.refCnt()).isEqualTo(1);
        buf.release();
        client.flush(vid).get();
        assertThat(sheep.flushes()).isEqualTo(1);
        assertThat(sheep.fuaWrites()).isEqualTo(1);

        ByteBuf back = client.read(vid, offset, data.length).get();
        try {
            assertThat(ByteBufUtil.getBytes(back)).as("seed %d", seed).isEqualTo(data);
        } finally {
            back.release();
        }
        ByteBuf zeros = client.read(vid, 0, 100).get();
        assertThat(ByteBufUtil.getBytes(zeros)).isEqualTo(new byte[100]);
        zeros.release();
        ByteBuf empty = client.read(vid, 5, 0).get();
        assertThat(empty.readableBytes()).isZero();
        empty.release();
    }

    @Test
    void ioErrorsArriveAsSheepExceptions() throws Exception {
        SheepClient client = formattedClient();
        int vid = client.create("small", 4096, 0).vid();
        assertThat(failure(client.read(vid, 4000, 200))).satisfies(e -> {
            assertThat(e.result()).isEqualTo(ResultCode.INVALID_PARAMS);
            assertThat(e.getMessage()).contains("outside VDI small");
        });
        ByteBuf data = Unpooled.wrappedBuffer(new byte[10]);
        assertThat(failure(client.write(0x123, 0, data, false)).result()).isEqualTo(ResultCode.NO_VDI);
        assertThat(data.refCnt()).isEqualTo(1);
        data.release();
        assertThat(failure(client.flush(0x123)).result()).isEqualTo(ResultCode.NO_VDI);
        assertThat(failure(client.read(vid, 0, Integer.MAX_VALUE)).result()).isEqualTo(ResultCode.INVALID_PARAMS);
    }

    @Test
    void unexpectedExceptionsBecomeUnknownOrEio() throws Exception {
        VdiOps broken = new ForwardingVdiOps(sheep) {
            @Override
            public List<VdiInfo> list() {
                throw new IllegalStateException("bug in list");
            }

            @Override
            public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
                return CompletableFuture.failedFuture(new UncheckedIOException(new IOException("disk on fire")));
            }

            @Override
            public CompletableFuture<Void> flush(int vid) {
                throw new NullPointerException();
            }
        };
        SheepClient client = connect(serve(sheep, broken));
        assertThatThrownBy(client::list).isInstanceOfSatisfying(SheepException.class, e -> {
            assertThat(e.result()).isEqualTo(ResultCode.UNKNOWN);
            assertThat(e.getMessage()).isEqualTo("bug in list");
        });
        assertThat(failure(client.read(1, 0, 1))).satisfies(e -> {
            assertThat(e.result()).isEqualTo(ResultCode.EIO);
            assertThat(e.getMessage()).contains("disk on fire");
        });
        assertThat(failure(client.flush(1))).satisfies(e -> {
            assertThat(e.result()).isEqualTo(ResultCode.UNKNOWN);
            assertThat(e.getMessage()).isEqualTo("NullPointerException");
        });
        // The connection survives failed requests.
        assertThat(client.nodes()).hasSize(1);
    }

    @Test
    void manyPipelinedRequestsCompleteOutOfOrder() throws Exception {
        sheep.format(1, false, false);
        int vid = sheep.create("p", 1 << 20, 0).vid();
        List<HeldRead> held = new CopyOnWriteArrayList<>();
        VdiOps holding = new ForwardingVdiOps(sheep) {
            @Override
            public CompletableFuture<ByteBuf> read(int v, long offset, int length) {
                CompletableFuture<ByteBuf> f = new CompletableFuture<>();
                held.add(new HeldRead(offset, length, f));
                return f;
            }
        };
        SheepClient client = connect(serve(sheep, holding));
        int n = 200;
        int threads = 4;
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        closeables.add(senders::shutdownNow);
        List<Future<List<CompletableFuture<ByteBuf>>>> sent = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * (n / threads);
            sent.add(senders.submit(() -> {
                List<CompletableFuture<ByteBuf>> mine = new ArrayList<>();
                for (int i = first; i < first + n / threads; i++) {
                    mine.add(client.read(vid, i, 8));
                }
                return mine;
            }));
        }
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (Future<List<CompletableFuture<ByteBuf>>> f : sent) {
            reads.addAll(f.get());
        }
        // All are in flight on the one connection before any is answered.
        await(() -> held.size() == n, "all requests at the server");
        assertThat(reads).noneMatch(CompletableFuture::isDone);
        long seed = System.nanoTime();
        List<HeldRead> order = new ArrayList<>(held);
        Collections.shuffle(order, new Random(seed));
        for (HeldRead h : order) {
            // Each answer says which offset it is for, so a mismatched id would show.
            h.future().complete(Unpooled.buffer(8).writeLong(h.offset()));
        }
        for (int i = 0; i < n; i++) {
            ByteBuf b = reads.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(b.getLong(0)).as("read %d, completion order seed %d", i, seed).isEqualTo(i);
            b.release();
        }
    }

    /** A read the server has received and the test completes. */
    private record HeldRead(long offset, int length, CompletableFuture<ByteBuf> future) {
    }

    @Test
    void serverGoingAwayFailsEveryPendingRequestWithNetworkError() throws Exception {
        sheep.format(1, false, false);
        int vid = sheep.create("k", 1 << 20, 0).vid();
        CountDownLatch inInfo = new CountDownLatch(1);
        List<CompletableFuture<ByteBuf>> held = new CopyOnWriteArrayList<>();
        ClusterOps blockingCluster = new ClusterOps() {
            @Override
            public void format(int copies, boolean strict, boolean force) {
            }

            @Override
            public ClusterInfo info() throws SheepException {
                inInfo.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new SheepException(ResultCode.SHUTDOWN, "interrupted");
            }

            @Override
            public List<NodeInfo> nodes() {
                return List.of();
            }
        };
        VdiOps holding = holdingReads(held);
        SheepServer server = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), blockingCluster, holding);
        int port = server.start();
        SheepClient client = connect(port);
        CompletableFuture<SheepResponse> info = client.call(SheepRequest.of(Opcode.CLUSTER_INFO));
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            reads.add(client.read(vid, 0, 512));
        }
        assertThat(inInfo.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        await(() -> held.size() == 10, "reads at the server");

        server.close();

        assertThat(failure(info)).satisfies(e -> {
            assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
            assertThat(e.getMessage()).startsWith("connection to sheep at 127.0.0.1:" + port + " closed");
        });
        for (CompletableFuture<ByteBuf> r : reads) {
            assertThat(failure(r).result()).isEqualTo(ResultCode.NETWORK_ERROR);
        }
        await(() -> !client.isOpen(), "client sees the close");
        assertThatThrownBy(client::nodes).isInstanceOfSatisfying(SheepException.class,
                e -> assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR));
        // Answers completed after the connection went are released, not leaked.
        held.forEach(f -> f.complete(Unpooled.buffer(512).writeZero(512)));
    }

    @Test
    void refusedConnectionIsANetworkErrorNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int closedPort = port;
        assertThatThrownBy(() -> SheepClient.connect("127.0.0.1", closedPort, TIMEOUT))
                .isInstanceOfSatisfying(SheepException.class, e -> {
                    assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
                    assertThat(e.getMessage()).isEqualTo(
                            "cannot connect to sheep at 127.0.0.1:" + closedPort + ": Connection refused");
                });
    }

    @Test
    void requestWithoutAnswerTimesOut() throws Exception {
        sheep.format(1, false, false);
        List<CompletableFuture<ByteBuf>> held = new CopyOnWriteArrayList<>();
        VdiOps holding = holdingReads(held);
        int port = serve(sheep, holding);
        SheepClient client = SheepClient.connect("127.0.0.1", port,
                new SheepClientConfig(TIMEOUT, Duration.ofMillis(200), 64 << 20));
        closeables.add(client);
        int vid = sheep.create("t", 4096, 0).vid();
        assertThat(failure(client.read(vid, 0, 16))).satisfies(e -> {
            assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
            assertThat(e.getMessage()).isEqualTo("sheep at 127.0.0.1:" + port + " did not answer VDI_READ within 200ms");
        });
        // A late answer is dropped (and released); the connection still works.
        held.get(0).complete(Unpooled.buffer(16).writeZero(16));
        assertThat(client.nodes()).hasSize(1);
    }

    @Test
    void payloadOverTheCapIsRefusedBeforeSending() throws Exception {
        SheepClient client = formattedClient();
        ByteBuf big = Unpooled.buffer(64 << 20).writerIndex(64 << 20);
        assertThat(failure(client.write(1, 0, big, false)).result()).isEqualTo(ResultCode.INVALID_PARAMS);
        assertThat(big.refCnt()).isEqualTo(1);
        big.release();
        assertThat(client.nodes()).hasSize(1);
    }

    @Test
    void rawCallsReturnErrorResponsesAsResponses() throws Exception {
        SheepClient client = formattedClient();
        SheepResponse r = client.call(SheepRequest.of(Opcode.PEER_WRITE_OBJ)).get();
        try {
            assertThat(r.result()).isEqualTo(ResultCode.NOT_SUPPORTED);
            assertThat(r.toException().getMessage()).isEqualTo("PEER_WRITE_OBJ is not implemented by this sheep");
        } finally {
            r.release();
        }
    }

    /** The fake sheep's VDI service, except that reads never complete: their futures are added to {@code held}. */
    private VdiOps holdingReads(List<CompletableFuture<ByteBuf>> held) {
        return new ForwardingVdiOps(sheep) {
            @Override
            public CompletableFuture<ByteBuf> read(int v, long offset, int length) {
                CompletableFuture<ByteBuf> f = new CompletableFuture<>();
                held.add(f);
                return f;
            }
        };
    }

    /**
     * Something that is not this version's sheep, on a thread named {@code name}: takes the first connection to
     * {@code server}, reads one request header, writes {@code reply} of it, and waits until the client closes.
     */
    private void answerOnce(ServerSocket server, String name, UnaryOperator<byte[]> reply) {
        Thread answer = new Thread(() -> {
            try (Socket s = server.accept()) {
                byte[] request = s.getInputStream().readNBytes(SheepProtocol.HEADER_SIZE);
                s.getOutputStream().write(reply.apply(request));
                s.getInputStream().read();
            } catch (IOException e) {
                // The client closed first; nothing to check here.
            }
        }, name);
        answer.start();
        closeables.add(() -> answer.join(TIMEOUT.toMillis()));
    }

    @Test
    void sheepSpeakingAnotherVersionFailsTheCallWithVerMismatch() throws Exception {
        try (ServerSocket old = new ServerSocket(0)) {
            answerOnce(old, "old-sheep", request -> {
                ByteBuf reply = Unpooled.buffer(SheepProtocol.HEADER_SIZE);
                try {
                    reply.writeBytes(request);
                    reply.setByte(SheepProtocol.OFFSET_VERSION, 2);
                    reply.setShort(SheepProtocol.OFFSET_FLAGS, SheepProtocol.FLAG_RESPONSE);
                    return ByteBufUtil.getBytes(reply);
                } finally {
                    reply.release();
                }
            });
            SheepClient client = connect(old.getLocalPort());
            assertThatThrownBy(client::nodes).isInstanceOfSatisfying(SheepException.class, e -> {
                assertThat(e.result()).isEqualTo(ResultCode.VER_MISMATCH);
                assertThat(e.getMessage()).isEqualTo("sheep at 127.0.0.1:" + old.getLocalPort()
                        + ": protocol version mismatch: the sheep speaks version 2, this client speaks version 1");
            });
            await(() -> !client.isOpen(), "client closes the out-of-frame connection");
        }
    }

    @Test
    void somethingElseAtTheAddressIsANetworkError() throws Exception {
        try (ServerSocket http = new ServerSocket(0)) {
            answerOnce(http, "not-a-sheep",
                    request -> "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            SheepClient client = connect(http.getLocalPort());
            assertThatThrownBy(client::list).isInstanceOfSatisfying(SheepException.class, e -> {
                assertThat(e.result()).isEqualTo(ResultCode.NETWORK_ERROR);
                assertThat(e.getMessage()).isEqualTo("sheep at 127.0.0.1:" + http.getLocalPort()
                        + ": bad magic 0x48545450: not a sheep protocol peer");
            });
            // Later calls fail for the same reason.
            assertThatThrownBy(client::list).hasMessageContaining("bad magic");
        }
    }

    @Test
    void clientOfAnotherVersionIsAnsweredVerMismatchAndDisconnected() throws Exception {
        int port = serve(sheep, sheep);
        try (Socket s = new Socket("127.0.0.1", port)) {
            ByteBuf frame = Unpooled.buffer(SheepProtocol.HEADER_SIZE);
            frame.writeInt(SheepProtocol.MAGIC).writeByte(3).writeByte(Opcode.NODE_LIST.code()).writeShort(0)
                    .writeInt(0).writeInt(0).writeLong(42).writeZero(SheepProtocol.HEADER_SIZE - 24);
            s.getOutputStream().write(ByteBufUtil.getBytes(frame));
            frame.release();
            s.setSoTimeout((int) TIMEOUT.toMillis());
            byte[] all = s.getInputStream().readAllBytes();
            ByteBuf answer = Unpooled.wrappedBuffer(all);
            assertThat(answer.getInt(SheepProtocol.OFFSET_RESULT)).isEqualTo(ResultCode.VER_MISMATCH.code());
            assertThat(answer.getLong(SheepProtocol.OFFSET_REQUEST_ID)).isEqualTo(42);
            assertThat(answer.toString(SheepProtocol.HEADER_SIZE, all.length - SheepProtocol.HEADER_SIZE,
                    StandardCharsets.UTF_8)).isEqualTo(
                    "protocol version mismatch: the client speaks version 3, this sheep speaks version 1");
            answer.release();
        }
    }

    @Test
    void clientRunsOnASharedNioEventLoopGroup() throws Exception {
        int port = serve(sheep, sheep);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            SheepClient a = SheepClient.connectAsync(group, "127.0.0.1", port, SheepClientConfig.of(TIMEOUT))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            SheepClient b = SheepClient.connectAsync(group, "127.0.0.1", port, SheepClientConfig.of(TIMEOUT))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(a.nodes()).isEqualTo(b.nodes());
            a.close();
            // Closing one client leaves the shared group to the others.
            assertThat(group.isShuttingDown()).isFalse();
            assertThat(b.info().formatted()).isFalse();
            b.close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static SheepException failure(CompletableFuture<?> future) throws InterruptedException {
        try {
            Object v = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (v instanceof ByteBuf b) {
                b.release();
            }
            throw new AssertionError("expected a failure, got " + v);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(SheepException.class);
            return (SheepException) e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within " + TIMEOUT, e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
