package io.sheepdog.daemon.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request whose bytes could not even be sent before its timeout (the peer reads nothing, the socket buffers are
 * full) closes the connection, so its payload, a view of the caller's buffer, is released before the caller hears of
 * the timeout and is never sent later.
 */
@ExtendWith(NettyLeakCheck.class)
class SheepClientUnsentTimeoutTest {

    @Test
    void anUnsentRequestIsDroppedBeforeItsTimeoutIsReported() throws Exception {
        EventLoopGroup group = SheepTransport.newEventLoopGroup(1, "unsent-test", true);
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SheepClientConfig config = new SheepClientConfig(Duration.ofSeconds(5), Duration.ofMillis(500),
                    SheepProtocol.DEFAULT_MAX_FRAME_SIZE);
            SheepClient client = SheepClient.connectAsync(group, "127.0.0.1", silent.getLocalPort(), config)
                    .get(10, TimeUnit.SECONDS);
            try (Socket accepted = silent.accept()) {
                // 16 frames of 32 MiB cannot all fit in the socket buffers of a peer that reads nothing.
                List<ByteBuf> payloads = new ArrayList<>();
                List<CompletableFuture<Integer>> refCountsAtFailure = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    ByteBuf payload = Unpooled.directBuffer(32 << 20).writerIndex(32 << 20);
                    payloads.add(payload);
                    CompletableFuture<Integer> seen = new CompletableFuture<>();
                    refCountsAtFailure.add(seen);
                    client.call(new SheepRequest(Opcode.PEER_WRITE_OBJ, 0, 1, 0, 1, 0, 0, 0,
                            payload.retainedDuplicate())).whenComplete((r, t) -> {
                                if (r != null) {
                                    r.release();
                                }
                                seen.complete(t instanceof SheepException se
                                        && se.result() == ResultCode.NETWORK_ERROR ? payload.refCnt() : -1);
                            });
                }
                for (CompletableFuture<Integer> seen : refCountsAtFailure) {
                    // Only our own reference is left when the failure is reported: the frame is gone.
                    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                }
                assertThat(client.isOpen()).isFalse();
                payloads.forEach(ByteBuf::release);
            } finally {
                client.close();
            }
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
