package io.sheepdog.nbd.codec;

import static io.sheepdog.nbd.testutil.Wire.concat;
import static io.sheepdog.nbd.testutil.Wire.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdRequestDecoderTest {

    private static final int MAX_PAYLOAD = 64 * 1024;
    private static final byte[] DATA = Wire.pattern(5, 1);
    private static final byte[] STREAM = concat(
            request(1, 0, 11, 4096, 512),
            request(1, 1, 12, 7, DATA.length), DATA,
            request(0, 3, 13, 0, 0),
            request(1, 4, 14, 1L << 40, 0xFFFF_FFFFL),
            request(3, 6, 15, 0, 0xFFFF_FFFFL),
            request(8, 7, 16, 65536, 1 << 20),
            request(0, 5, 17, 0, 4096),
            request(0, 1, 18, 100, 0),
            request(0, 8, 19, 0, 0),
            request(0, 42, 0xFFFF_FFFF_FFFF_FFFFL, -1L, 1),
            request(0, 2, 20, 0, 0));

    private static List<NbdRequest> expected(ByteBuf data, ByteBuf empty) {
        return List.of(
                new NbdRequest.Read(11, 1, 4096, 512),
                new NbdRequest.Write(12, 1, 7, data),
                new NbdRequest.Flush(13, 0),
                new NbdRequest.Trim(14, 1, 1L << 40, 0xFFFF_FFFFL),
                new NbdRequest.WriteZeroes(15, 3, 0, 0xFFFF_FFFFL),
                new NbdRequest.BlockStatus(16, 8, 65536, 1 << 20),
                new NbdRequest.Cache(17, 0, 0, 4096),
                new NbdRequest.Write(18, 0, 100, empty),
                new NbdRequest.Unsupported(19, 0, 8, 0, 0),
                new NbdRequest.Unsupported(0xFFFF_FFFF_FFFF_FFFFL, 0, 42, -1L, 1),
                new NbdRequest.Disconnect(20, 0));
    }

    @Test
    void decodesEveryCommandWithInputSplitAtEveryByteBoundary() {
        for (int split = 0; split <= STREAM.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(MAX_PAYLOAD));
            Channels.writeSplit(channel, STREAM, split);
            assertDecoded(Channels.inbound(channel), "split at " + split);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void decodesInputArrivingOneByteAtATime() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(MAX_PAYLOAD));
        Channels.writeByteByByte(channel, STREAM);
        assertDecoded(Channels.inbound(channel), "byte by byte");
        assertThat(channel.finish()).isFalse();
    }

    private static void assertDecoded(List<Object> actual, String description) {
        ByteBuf data = Unpooled.wrappedBuffer(DATA);
        try {
            assertThat(actual).as(description).isEqualTo(expected(data, Unpooled.EMPTY_BUFFER));
        } finally {
            data.release();
            Channels.releaseAll(actual);
        }
    }

    @Test
    void writePayloadIsARetainedSliceNotACopy() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(MAX_PAYLOAD));
        channel.writeInbound(Unpooled.wrappedBuffer(concat(request(0, 1, 1, 0, DATA.length), DATA)));
        NbdRequest.Write write = channel.readInbound();
        try {
            assertThat(write.content().unwrap()).as("a derived buffer of the input").isNotNull();
            assertThat(write.refCnt()).isEqualTo(1);
            assertThat(write.length()).isEqualTo(DATA.length);
        } finally {
            write.release();
        }
        assertThat(write.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void writeAtTheMaximumPayloadIsAccepted() {
        NbdRequestDecoder decoder = new NbdRequestDecoder(MAX_PAYLOAD);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] payload = Wire.pattern(MAX_PAYLOAD, 3);
        channel.writeInbound(Unpooled.wrappedBuffer(request(0, 1, 1, 0, MAX_PAYLOAD)));
        assertThat(decoder.state()).isEqualTo(NbdRequestDecoder.State.READ_PAYLOAD);
        channel.writeInbound(Unpooled.wrappedBuffer(payload));
        NbdRequest.Write write = channel.readInbound();
        try {
            assertThat(write.content()).isEqualTo(Unpooled.wrappedBuffer(payload));
        } finally {
            write.release();
        }
        assertThat(decoder.state()).isEqualTo(NbdRequestDecoder.State.READ_HEADER);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void writeOverTheMaximumPayloadIsAProtocolViolation() {
        NbdRequestDecoder decoder = new NbdRequestDecoder(MAX_PAYLOAD);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(
                request(0, 1, 1, 0, MAX_PAYLOAD + 1L))))
                .isInstanceOf(NbdProtocolException.class).hasMessageContaining("exceeds the maximum");
        assertThat(decoder.state()).isEqualTo(NbdRequestDecoder.State.BAD_MESSAGE);
        channel.writeInbound(Unpooled.wrappedBuffer(request(0, 0, 2, 0, 1)));
        assertThat(Channels.inbound(channel)).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void badMagicIsAProtocolViolationAfterEarlierRequestsWereDelivered() {
        NbdRequestDecoder decoder = new NbdRequestDecoder(MAX_PAYLOAD);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] bad = Wire.bytes().u32(0x12560953).u16(0).u16(0).u64(2).u64(0).u32(1).array();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(
                concat(request(0, 3, 1, 0, 0), bad, request(0, 3, 3, 0, 0)))))
                .isInstanceOf(NbdProtocolException.class).hasMessageContaining("bad request magic 0x12560953");
        assertThat(Channels.inbound(channel)).containsExactly(new NbdRequest.Flush(1, 0));
        assertThat(decoder.state()).isEqualTo(NbdRequestDecoder.State.BAD_MESSAGE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void hugeLengthsOfRequestsWithoutPayloadDoNotWaitForData() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdRequestDecoder(MAX_PAYLOAD));
        channel.writeInbound(Unpooled.wrappedBuffer(request(0, 4, 1, 0, 0xFFFF_FFFFL)));
        assertThat(Channels.inbound(channel)).containsExactly(new NbdRequest.Trim(1, 0, 0, 0xFFFF_FFFFL));
        assertThat(channel.finish()).isFalse();
    }
}
