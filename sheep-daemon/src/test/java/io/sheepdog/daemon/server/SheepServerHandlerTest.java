package io.sheepdog.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepEncoder;
import io.sheepdog.daemon.proto.SheepJson;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepRequestDecoder;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.proto.SheepResponseDecoder;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.ForwardingVdiOps;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server pipeline (decoder, encoder, handler) in an EmbeddedChannel: answers, refusals, closes, back-pressure. */
@ExtendWith(NettyLeakCheck.class)
class SheepServerHandlerTest {

    private static final int MAX = SheepProtocol.DEFAULT_MAX_FRAME_SIZE;
    private final FakeSheep sheep = new FakeSheep();
    private EmbeddedChannel ch;

    private EmbeddedChannel channel(int maxInFlight, VdiOps vdis) {
        SheepRequestAdapter adapter = new SheepRequestAdapter(sheep, vdis, Runnable::run, MAX);
        ch = new EmbeddedChannel(new SheepRequestDecoder(MAX), new SheepEncoder(MAX),
                new SheepServerHandler(adapter, maxInFlight));
        return ch;
    }

    @AfterEach
    void release() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    /** The frame bytes of a request as a client would send them. */
    private static ByteBuf frame(SheepRequest request) {
        EmbeddedChannel enc = new EmbeddedChannel(new SheepEncoder(MAX));
        enc.writeOutbound(request);
        ByteBuf all = Unpooled.buffer();
        ByteBuf b;
        while ((b = enc.readOutbound()) != null) {
            all.writeBytes(b);
            b.release();
        }
        enc.finish();
        return all;
    }

    /** Every response written so far, decoded. */
    private List<SheepResponse> responses() {
        EmbeddedChannel dec = new EmbeddedChannel(new SheepResponseDecoder(MAX));
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            dec.writeInbound(b);
        }
        List<SheepResponse> out = new ArrayList<>();
        Object m;
        while ((m = dec.readInbound()) != null) {
            out.add((SheepResponse) m);
        }
        dec.finish();
        return out;
    }

    private static SheepRequest request(Opcode op, long id) {
        return SheepRequest.of(op).withRequestId(id);
    }

    @Test
    void answersControlRequestsWithJson() throws Exception {
        channel(16, sheep);
        ch.writeInbound(frame(request(Opcode.CLUSTER_INFO, 5)));
        List<SheepResponse> rsp = responses();
        assertThat(rsp).hasSize(1);
        assertThat(rsp.get(0).requestId()).isEqualTo(5);
        assertThat(rsp.get(0).isSuccess()).isTrue();
        assertThat(SheepJson.decode(rsp.get(0).payload(), ClusterInfo.class).status()).isEqualTo("waiting for format");
        rsp.forEach(SheepResponse::release);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void otherVersionIsAnsweredVerMismatchThenClosed() {
        channel(16, sheep);
        ByteBuf f = frame(request(Opcode.VDI_LIST, 77));
        f.setByte(SheepProtocol.OFFSET_VERSION, 9);
        ch.writeInbound(f);
        ByteBuf out = ch.readOutbound();
        // The answer speaks our version, so the stable prefix of any version reads it.
        assertThat(out.getInt(SheepProtocol.OFFSET_MAGIC)).isEqualTo(SheepProtocol.MAGIC);
        assertThat(out.getByte(SheepProtocol.OFFSET_VERSION)).isEqualTo((byte) SheepProtocol.VERSION);
        assertThat(out.getInt(SheepProtocol.OFFSET_RESULT)).isEqualTo(ResultCode.VER_MISMATCH.code());
        assertThat(out.getLong(SheepProtocol.OFFSET_REQUEST_ID)).isEqualTo(77);
        out.release();
        ByteBuf message = ch.readOutbound();
        assertThat(message.toString(StandardCharsets.UTF_8))
                .isEqualTo("protocol version mismatch: the client speaks version 9, this sheep speaks version 1");
        message.release();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void badMagicClosesWithoutAnswer() {
        channel(16, sheep);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII));
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void oversizeFrameIsAnsweredThenClosed() {
        channel(16, sheep);
        ByteBuf f = frame(request(Opcode.VDI_WRITE, 3));
        f.setInt(SheepProtocol.OFFSET_PAYLOAD_LENGTH, MAX);
        ch.writeInbound(f);
        List<SheepResponse> rsp = responses();
        assertThat(rsp).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo(ResultCode.INVALID_PARAMS);
            assertThat(r.toException().getMessage()).contains("exceeds the limit");
        });
        rsp.forEach(SheepResponse::release);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void unknownOpcodesAreNotSupportedAndTheConnectionLives() {
        channel(16, sheep);
        ByteBuf unknown = frame(request(Opcode.VDI_LIST, 1));
        unknown.setByte(SheepProtocol.OFFSET_OPCODE, 0x6a);
        // 0x01: upstream Sheepdog's READ_OBJ, which this protocol does not use.
        ByteBuf upstreamReadObj = frame(request(Opcode.VDI_LIST, 2));
        upstreamReadObj.setByte(SheepProtocol.OFFSET_OPCODE, 0x01);
        ch.writeInbound(Unpooled.wrappedBuffer(unknown, upstreamReadObj, frame(request(Opcode.NODE_LIST, 3))));
        List<SheepResponse> rsp = responses();
        assertThat(rsp).extracting(SheepResponse::requestId).containsExactly(1L, 2L, 3L);
        assertThat(rsp.get(0).result()).isEqualTo(ResultCode.NOT_SUPPORTED);
        assertThat(rsp.get(0).opcodeCode()).isEqualTo(0x6a);
        assertThat(rsp.get(1).result()).isEqualTo(ResultCode.NOT_SUPPORTED);
        assertThat(rsp.get(1).opcodeCode()).isEqualTo(0x01);
        assertThat(rsp.get(2).isSuccess()).isTrue();
        rsp.forEach(SheepResponse::release);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void invalidArgumentsAreRefusedWithoutReachingTheOps() {
        channel(16, sheep);
        SheepRequest badVid = SheepRequest.of(Opcode.VDI_READ, 0, 1L << 24, 0, 512, 0, Unpooled.EMPTY_BUFFER)
                .withRequestId(1);
        SheepRequest tooLong = SheepRequest.of(Opcode.VDI_READ, 0, 1, 0, MAX, 0, Unpooled.EMPTY_BUFFER)
                .withRequestId(2);
        SheepRequest noName = SheepRequest.of(Opcode.VDI_LOOKUP, 0, 0, 0, 0, 0,
                Unpooled.copiedBuffer("{not json", StandardCharsets.UTF_8)).withRequestId(3);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(badVid), frame(tooLong), frame(noName)));
        List<SheepResponse> rsp = responses();
        assertThat(rsp).extracting(SheepResponse::result).containsOnly(ResultCode.INVALID_PARAMS);
        assertThat(rsp).hasSize(3);
        assertThat(rsp.get(0).toException().getMessage()).isEqualTo("VDI id 1000000 is out of range");
        rsp.forEach(SheepResponse::release);
    }

    @Test
    void stopsReadingWithTooManyRequestsInFlightAndResumesAsTheyComplete() throws Exception {
        List<CompletableFuture<ByteBuf>> held = new ArrayList<>();
        VdiOps holding = new HeldReads(sheep, held);
        channel(2, holding);
        sheep.format(1, false, false);
        int vid = sheep.create("v", 1 << 20, 0).vid();
        SheepRequest read = SheepRequest.of(Opcode.VDI_READ, 0, vid, 0, 4, 0, Unpooled.EMPTY_BUFFER);
        ch.writeInbound(frame(read.withRequestId(1)));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(frame(read.withRequestId(2)));
        assertThat(ch.config().isAutoRead()).isFalse();
        // Out of order: the second completes first and is answered first.
        held.get(1).complete(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}));
        assertThat(ch.config().isAutoRead()).isTrue();
        held.get(0).complete(Unpooled.wrappedBuffer(new byte[] {5, 6, 7, 8}));
        List<SheepResponse> rsp = responses();
        assertThat(rsp).extracting(SheepResponse::requestId).containsExactly(2L, 1L);
        assertThat(ByteBufUtil.getBytes(rsp.get(0).payload())).containsExactly(1, 2, 3, 4);
        rsp.forEach(SheepResponse::release);
    }

    /** FakeSheep, except that reads wait for the test to complete them. */
    private static final class HeldReads extends ForwardingVdiOps {
        private final List<CompletableFuture<ByteBuf>> held;

        HeldReads(FakeSheep sheep, List<CompletableFuture<ByteBuf>> held) {
            super(sheep);
            this.held = held;
        }

        @Override
        public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
            CompletableFuture<ByteBuf> f = new CompletableFuture<>();
            held.add(f);
            return f;
        }
    }
}
