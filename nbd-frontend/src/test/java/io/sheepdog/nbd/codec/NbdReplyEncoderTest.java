package io.sheepdog.nbd.codec;

import static io.sheepdog.nbd.testutil.Wire.bytes;
import static io.sheepdog.nbd.testutil.Wire.chunk;
import static io.sheepdog.nbd.testutil.Wire.concat;
import static io.sheepdog.nbd.testutil.Wire.simpleReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdReplyEncoderTest {

    private static byte[] encode(NbdReply reply) {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdReplyEncoder());
        channel.writeOutbound(reply);
        byte[] bytes = Channels.drainOutbound(channel);
        assertThat(channel.finish()).isFalse();
        return bytes;
    }

    private static ByteBuf pooled(byte[] data) {
        return PooledByteBufAllocator.DEFAULT.buffer(data.length).writeBytes(data);
    }

    @Test
    void simpleReplies() {
        assertThat(encode(new NbdReply.Simple(0x0102030405060708L, 0)))
                .isEqualTo(bytes().u32(0x67446698).u32(0).u64(0x0102030405060708L).array());
        assertThat(encode(new NbdReply.Simple(-1L, 22))).isEqualTo(simpleReply(22, -1L));
    }

    @Test
    void simpleReadIsAHeaderFollowedByTheSameDataBuffer() {
        byte[] data = Wire.pattern(1000, 9);
        ByteBuf content = pooled(data);
        EmbeddedChannel channel = new EmbeddedChannel(new NbdReplyEncoder());
        channel.writeOutbound(new NbdReply.SimpleRead(77, content));
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        try {
            assertThat(Channels.outboundBuffers(channel)).isEmpty();
            assertThat(body).as("the data is not copied").isSameAs(content);
            assertThat(header.readableBytes()).isEqualTo(16);
            assertThat(concat(bytesOf(header), bytesOf(body))).isEqualTo(concat(simpleReply(0, 77), data));
        } finally {
            header.release();
            body.release();
        }
        assertThat(content.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void offsetDataChunk() {
        byte[] data = Wire.pattern(4096, 1);
        ByteBuf content = pooled(data);
        EmbeddedChannel channel = new EmbeddedChannel(new NbdReplyEncoder());
        channel.writeOutbound(new NbdReply.OffsetData(5, NbdProtocol.REPLY_FLAG_DONE, 1L << 32, content));
        List<byte[]> buffers = Channels.outboundBuffers(channel);
        assertThat(buffers).hasSize(2);
        assertThat(concat(buffers.get(0), buffers.get(1)))
                .isEqualTo(chunk(1, 1, 5, concat(bytes().u64(1L << 32).array(), data)));
        assertThat(content.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void noneChunk() {
        assertThat(encode(new NbdReply.None(9))).isEqualTo(chunk(1, 0, 9, new byte[0]));
    }

    @Test
    void errorChunk() {
        assertThat(encode(new NbdReply.Error(3, 1, 22, "bad")))
                .isEqualTo(chunk(1, 0x8001, 3, bytes().u32(22).u16(3).str("bad").array()));
        assertThat(encode(new NbdReply.Error(3, 1, 5, "")))
                .isEqualTo(chunk(1, 0x8001, 3, bytes().u32(5).u16(0).array()));
    }

    @Test
    void blockStatusChunk() {
        NbdReply.BlockStatus status = new NbdReply.BlockStatus(4, 1, 1, List.of(
                new Extent(4096, false, false), new Extent(0xFFFF_F000L, true, true), new Extent(512, false, true)));
        assertThat(encode(status)).isEqualTo(chunk(1, 5, 4,
                bytes().u32(1).u32(4096).u32(0).u32(0xFFFF_F000L).u32(3).u32(512).u32(2).array()));
    }

    private static byte[] bytesOf(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }
}
