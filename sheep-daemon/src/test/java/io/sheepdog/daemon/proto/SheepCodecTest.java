package io.sheepdog.daemon.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Byte-exact tests of the frame codec through EmbeddedChannel, including input split at every byte boundary. */
@ExtendWith(NettyLeakCheck.class)
class SheepCodecTest {

    /** VDI_WRITE, FUA, epoch 7, id 0x0102030405060708, vid 7c2b25, offset 0x1000, payload "abc". */
    static final String WRITE_REQUEST_HEX = ""
            + "53444f47" + "01" + "21" + "0001" + "00000000" + "00000007" + "0102030405060708"
            + "00000003" + "00000000"
            + "00000000007c2b25" + "0000000000001000" + "0000000000000003" + "0000000000000000"
            + "616263";

    /** NO_VDI answer to VDI_LOOKUP id 9, epoch 2, message "no". */
    static final String ERROR_RESPONSE_HEX = ""
            + "53444f47" + "01" + "12" + "8000" + "00000003" + "00000002" + "0000000000000009"
            + "00000002" + "00000000"
            + "0000000000000000" + "0000000000000000" + "0000000000000000" + "0000000000000000"
            + "6e6f";

    private static final int MAX = SheepProtocol.DEFAULT_MAX_FRAME_SIZE;

    static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    static SheepRequest writeRequest() {
        return new SheepRequest(Opcode.VDI_WRITE, SheepProtocol.FLAG_FUA, 7, 0x0102030405060708L, 0x7c2b25, 0x1000, 3,
                0, Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
    }

    /** Everything the encoder wrote, as one hex string; releases what it read. */
    static String outboundHex(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            sb.append(ByteBufUtil.hexDump(b));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void encodesRequestByteForByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new SheepEncoder(MAX));
        assertThat(ch.writeOutbound(writeRequest())).isTrue();
        assertThat(outboundHex(ch)).isEqualTo(WRITE_REQUEST_HEX);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void encodesErrorResponseByteForByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new SheepEncoder(MAX));
        SheepResponse rsp = new SheepResponse(Opcode.VDI_LOOKUP.code(), 0, ResultCode.NO_VDI, 2, 9, 0, 0, 0, 0,
                Unpooled.copiedBuffer("no", StandardCharsets.UTF_8));
        ch.writeOutbound(rsp);
        assertThat(outboundHex(ch)).isEqualTo(ERROR_RESPONSE_HEX);
        assertThat(rsp.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesRequestSplitAtEveryByteBoundary() {
        byte[] frame = ByteBufUtil.decodeHexDump(WRITE_REQUEST_HEX + WRITE_REQUEST_HEX);
        for (int split = 0; split <= frame.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new SheepRequestDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(frame, split, frame.length - split));
            for (int i = 0; i < 2; i++) {
                SheepRequest r = ch.readInbound();
                assertThat(r).as("frame %d at split %d", i, split).isNotNull();
                assertWriteRequest(r);
                r.release();
            }
            assertThat(ch.inboundMessages()).isEmpty();
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void decodesRequestFedOneByteAtATime() {
        byte[] frame = ByteBufUtil.decodeHexDump(WRITE_REQUEST_HEX);
        EmbeddedChannel ch = new EmbeddedChannel(new SheepRequestDecoder(MAX));
        for (byte b : frame) {
            assertThat(ch.inboundMessages()).isEmpty();
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        SheepRequest r = ch.readInbound();
        assertWriteRequest(r);
        r.release();
        assertThat(ch.finish()).isFalse();
    }

    private static void assertWriteRequest(SheepRequest r) {
        assertThat(r.opcode()).isEqualTo(Opcode.VDI_WRITE);
        assertThat(r.flags()).isEqualTo(SheepProtocol.FLAG_FUA);
        assertThat(r.epoch()).isEqualTo(7);
        assertThat(r.requestId()).isEqualTo(0x0102030405060708L);
        assertThat(r.arg0()).isEqualTo(0x7c2b25);
        assertThat(r.arg1()).isEqualTo(0x1000);
        assertThat(r.arg2()).isEqualTo(3);
        assertThat(r.arg3()).isZero();
        assertThat(r.payload().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    }

    @Test
    void decodesResponseSplitAtEveryByteBoundary() {
        byte[] frame = ByteBufUtil.decodeHexDump(ERROR_RESPONSE_HEX);
        for (int split = 0; split <= frame.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new SheepResponseDecoder(MAX));
            ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(frame, split, frame.length - split));
            SheepResponse r = ch.readInbound();
            assertThat(r.opcodeCode()).isEqualTo(Opcode.VDI_LOOKUP.code());
            assertThat(r.result()).isEqualTo(ResultCode.NO_VDI);
            assertThat(r.flags()).isZero();
            assertThat(r.epoch()).isEqualTo(2);
            assertThat(r.requestId()).isEqualTo(9);
            assertThat(r.toException().getMessage()).isEqualTo("no");
            assertThat(r.toException().result()).isEqualTo(ResultCode.NO_VDI);
            r.release();
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void encodeThenDecodeRoundTripsEveryOpcode() {
        for (Opcode op : Opcode.values()) {
            EmbeddedChannel enc = new EmbeddedChannel(new SheepEncoder(MAX));
            enc.writeOutbound(new SheepRequest(op, 0, 0xffff_ffffL, Long.MAX_VALUE, -1L, 2, 3, 4,
                    Unpooled.EMPTY_BUFFER));
            EmbeddedChannel dec = new EmbeddedChannel(new SheepRequestDecoder(MAX));
            dec.writeInbound(hex(outboundHex(enc)));
            SheepRequest r = dec.readInbound();
            assertThat(r).isEqualTo(new SheepRequest(op, 0, 0xffff_ffffL, Long.MAX_VALUE, -1L, 2, 3, 4,
                    Unpooled.EMPTY_BUFFER));
            r.release();
            assertThat(enc.finish()).isFalse();
            assertThat(dec.finish()).isFalse();
        }
    }

    @Test
    void rejectsOversizeFrameFromItsHeaderAlone() {
        int max = SheepProtocol.HEADER_SIZE + 4 * 1024 * 1024;
        ByteBuf header = hex(WRITE_REQUEST_HEX.substring(0, SheepProtocol.HEADER_SIZE * 2));
        header.setInt(SheepProtocol.OFFSET_PAYLOAD_LENGTH, 4 * 1024 * 1024 + 1);
        SheepRequestDecoder decoder = new SheepRequestDecoder(max);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        // No payload byte is sent: the cap is checked before anything is buffered for it.
        ch.writeInbound(header);
        SheepDecodeFailure f = ch.readInbound();
        assertThat(f.fatal()).isTrue();
        assertThat(f.result()).isEqualTo(ResultCode.INVALID_PARAMS);
        assertThat(f.requestId()).isEqualTo(0x0102030405060708L);
        assertThat(f.message()).contains("exceeds the limit of " + max);
        assertThat(decoder.state()).isEqualTo(SheepFrameDecoder.State.BAD_MESSAGE);
        // Whatever follows is discarded.
        ch.writeInbound(hex(WRITE_REQUEST_HEX));
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void acceptsFrameExactlyAtTheCap() {
        byte[] frame = ByteBufUtil.decodeHexDump(WRITE_REQUEST_HEX);
        EmbeddedChannel ch = new EmbeddedChannel(new SheepRequestDecoder(frame.length));
        ch.writeInbound(Unpooled.wrappedBuffer(frame));
        SheepRequest r = ch.readInbound();
        assertWriteRequest(r);
        r.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void badMagicIsFatalAsSoonAsFourBytesArrive() {
        SheepRequestDecoder decoder = new SheepRequestDecoder(MAX);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.writeInbound(Unpooled.copiedBuffer("GET ", StandardCharsets.US_ASCII));
        SheepDecodeFailure f = ch.readInbound();
        assertThat(f.fatal()).isTrue();
        assertThat(f.hasRequestId()).isFalse();
        assertThat(f.message()).isEqualTo("bad magic 0x47455420: not a sheep protocol peer");
        assertThat(decoder.state()).isEqualTo(SheepFrameDecoder.State.BAD_MESSAGE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void otherVersionIsReportedWithTheRequestIdFromTheStablePrefix() {
        ByteBuf frame = hex(WRITE_REQUEST_HEX);
        frame.setByte(SheepProtocol.OFFSET_VERSION, 2);
        EmbeddedChannel ch = new EmbeddedChannel(new SheepRequestDecoder(MAX));
        ch.writeInbound(frame.retainedSlice(0, SheepProtocol.STABLE_PREFIX_SIZE));
        SheepDecodeFailure f = ch.readInbound();
        frame.release();
        assertThat(f).isEqualTo(new SheepDecodeFailure(0x0102030405060708L, Opcode.VDI_WRITE.code(),
                ResultCode.VER_MISMATCH,
                "protocol version mismatch: the client speaks version 2, this sheep speaks version 1", true));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void unknownOpcodeIsAnsweredAndTheNextFrameStillDecodes() {
        ByteBuf unknown = hex(WRITE_REQUEST_HEX);
        unknown.setByte(SheepProtocol.OFFSET_OPCODE, 0x7f);
        EmbeddedChannel ch = new EmbeddedChannel(new SheepRequestDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(unknown, hex(WRITE_REQUEST_HEX)));
        SheepDecodeFailure f = ch.readInbound();
        assertThat(f.fatal()).isFalse();
        assertThat(f.result()).isEqualTo(ResultCode.NOT_SUPPORTED);
        assertThat(f.opcode()).isEqualTo(0x7f);
        SheepRequest next = ch.readInbound();
        assertWriteRequest(next);
        next.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void requestDecoderRefusesResponsesAndUnknownFlagsButStaysInFrame() {
        ByteBuf response = hex(WRITE_REQUEST_HEX);
        response.setShort(SheepProtocol.OFFSET_FLAGS, SheepProtocol.FLAG_RESPONSE);
        ByteBuf oddFlags = hex(WRITE_REQUEST_HEX);
        oddFlags.setShort(SheepProtocol.OFFSET_FLAGS, 0x0100);
        EmbeddedChannel ch = new EmbeddedChannel(new SheepRequestDecoder(MAX));
        ch.writeInbound(Unpooled.wrappedBuffer(response, oddFlags, hex(WRITE_REQUEST_HEX)));
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add(m);
        }
        assertThat(out).hasSize(3);
        assertThat(((SheepDecodeFailure) out.get(0)).result()).isEqualTo(ResultCode.INVALID_PARAMS);
        assertThat(((SheepDecodeFailure) out.get(1)).message()).isEqualTo("unknown request flags 0x100");
        assertWriteRequest((SheepRequest) out.get(2));
        ((SheepRequest) out.get(2)).release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void responseDecoderRefusesRequests() {
        EmbeddedChannel ch = new EmbeddedChannel(new SheepResponseDecoder(MAX));
        ch.writeInbound(hex(WRITE_REQUEST_HEX));
        SheepDecodeFailure f = ch.readInbound();
        assertThat(f.fatal()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void unknownResultCodesBecomeUnknown() {
        ByteBuf frame = hex(ERROR_RESPONSE_HEX);
        frame.setInt(SheepProtocol.OFFSET_RESULT, 0xfe);
        EmbeddedChannel ch = new EmbeddedChannel(new SheepResponseDecoder(MAX));
        ch.writeInbound(frame);
        SheepResponse r = ch.readInbound();
        assertThat(r.result()).isEqualTo(ResultCode.UNKNOWN);
        r.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void encoderRefusesFramesOverTheCap() {
        int max = SheepProtocol.HEADER_SIZE + 2;
        EmbeddedChannel ch = new EmbeddedChannel(new SheepEncoder(max));
        SheepRequest r = writeRequest();
        assertThatThrownBy(() -> ch.writeOutbound(r)).isInstanceOf(EncoderException.class)
                .hasMessageContaining("exceeds the limit");
        assertThat(r.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void opcodesHaveStableUniqueCodesInTheirRanges() {
        assertThat(Opcode.valueOf(0x10)).isEqualTo(Opcode.VDI_CREATE);
        assertThat(Opcode.valueOf(0x20)).isEqualTo(Opcode.VDI_READ);
        assertThat(Opcode.valueOf(0x30)).isEqualTo(Opcode.CLUSTER_FORMAT);
        assertThat(Opcode.valueOf(0x81)).isEqualTo(Opcode.PEER_READ_OBJ);
        assertThatThrownBy(() -> Opcode.valueOf(0x7f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown opcode 0x7f");
        assertThatThrownBy(() -> Opcode.valueOf(-1)).isInstanceOf(IllegalArgumentException.class);
        for (Opcode op : Opcode.values()) {
            int range = switch (op.kind()) {
                case CONTROL -> !op.name().startsWith("VDI") ? SheepProtocol.OPCODE_RANGE_CLUSTER
                        : op.code() < SheepProtocol.OPCODE_RANGE_VDI_IO ? SheepProtocol.OPCODE_RANGE_VDI_ADMIN
                        : SheepProtocol.OPCODE_RANGE_VDI_ADMIN_MORE;
                case DATA -> SheepProtocol.OPCODE_RANGE_VDI_IO;
                case PEER -> SheepProtocol.OPCODE_RANGE_PEER;
            };
            assertThat(op.code() & 0xf0).as(op.name()).isEqualTo(range & 0xf0);
            assertThat(Opcode.valueOf(op.code())).isSameAs(op);
        }
    }
}
