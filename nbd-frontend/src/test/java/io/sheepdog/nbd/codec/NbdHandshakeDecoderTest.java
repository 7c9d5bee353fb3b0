package io.sheepdog.nbd.codec;

import static io.sheepdog.nbd.testutil.Wire.bytes;
import static io.sheepdog.nbd.testutil.Wire.concat;
import static io.sheepdog.nbd.testutil.Wire.infoData;
import static io.sheepdog.nbd.testutil.Wire.metaData;
import static io.sheepdog.nbd.testutil.Wire.option;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdHandshakeDecoderTest {

    /** Client flags followed by one option of every shape the parser knows. */
    private static final byte[] STREAM = concat(
            bytes().u32(3).array(),
            option(1, bytes().str("disk").array()),
            option(7, infoData("disk", 1, 3)),
            option(6, infoData("", new int[0])),
            option(3, new byte[0]),
            option(8, new byte[0]),
            option(10, metaData("disk", "base:allocation", "qemu:dirty-bitmap:x")),
            option(9, metaData("disk")),
            option(99, new byte[] {1, 2, 3, 4, 5}),
            option(5, new byte[0]),
            option(2, new byte[0]));

    private static final List<Object> EXPECTED = List.of(
            new NbdClientFlags(3),
            new NbdOptionRequest.ExportName("disk"),
            new NbdOptionRequest.Info(NbdOption.GO, "disk", List.of(1, 3)),
            new NbdOptionRequest.Info(NbdOption.INFO, "", List.of()),
            new NbdOptionRequest.Bare(3, 0),
            new NbdOptionRequest.Bare(8, 0),
            new NbdOptionRequest.MetaContext(NbdOption.SET_META_CONTEXT, "disk",
                    List.of("base:allocation", "qemu:dirty-bitmap:x")),
            new NbdOptionRequest.MetaContext(NbdOption.LIST_META_CONTEXT, "disk", List.of()),
            new NbdOptionRequest.Bare(99, 5),
            new NbdOptionRequest.Bare(5, 0),
            new NbdOptionRequest.Bare(2, 0));

    @Test
    void decodesEveryOptionWithInputSplitAtEveryByteBoundary() {
        for (int split = 0; split <= STREAM.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new NbdHandshakeDecoder());
            Channels.writeSplit(channel, STREAM, split);
            assertThat(Channels.inbound(channel)).as("split at %d", split).isEqualTo(EXPECTED);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void decodesInputArrivingOneByteAtATime() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdHandshakeDecoder());
        Channels.writeByteByByte(channel, STREAM);
        assertThat(Channels.inbound(channel)).isEqualTo(EXPECTED);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void waitsForTheWholeOptionData() {
        NbdHandshakeDecoder decoder = new NbdHandshakeDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        byte[] go = option(7, infoData("export", 0));
        channel.writeInbound(Unpooled.wrappedBuffer(bytes().u32(1).array()));
        channel.writeInbound(Unpooled.wrappedBuffer(go, 0, go.length - 1));
        assertThat(Channels.inbound(channel)).containsExactly(new NbdClientFlags(1));
        assertThat(decoder.state()).isEqualTo(NbdHandshakeDecoder.State.AWAIT_OPTION_DATA);
        channel.writeInbound(Unpooled.wrappedBuffer(go, go.length - 1, 1));
        assertThat(Channels.inbound(channel))
                .containsExactly(new NbdOptionRequest.Info(NbdOption.GO, "export", List.of(0)));
        assertThat(decoder.state()).isEqualTo(NbdHandshakeDecoder.State.AWAIT_OPTION_HEADER);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void badOptionMagicIsAProtocolViolationAndLaterInputIsDiscarded() {
        NbdHandshakeDecoder decoder = new NbdHandshakeDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(Unpooled.wrappedBuffer(bytes().u32(1).array()));
        assertThat(Channels.inbound(channel)).hasSize(1);
        byte[] bad = bytes().u64(0x1122334455667788L).u32(3).u32(0).array();
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(bad)))
                .isInstanceOf(NbdProtocolException.class).hasMessageContaining("bad option magic");
        assertThat(decoder.state()).isEqualTo(NbdHandshakeDecoder.State.BAD_MESSAGE);
        channel.writeInbound(Unpooled.wrappedBuffer(option(3, new byte[0])));
        assertThat(Channels.inbound(channel)).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void optionDataOverTheCapIsAProtocolViolation() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdHandshakeDecoder());
        byte[] header = concat(bytes().u32(1).array(),
                bytes().u64(Wire.IHAVEOPT).u32(1).u32(NbdProtocol.MAX_OPTION_DATA_LENGTH + 1L).array());
        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(header)))
                .isInstanceOf(NbdProtocolException.class).hasMessageContaining("data bytes");
        Channels.releaseAll(Channels.inbound(channel));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void optionDataAtTheCapIsAccepted() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdHandshakeDecoder());
        byte[] data = new byte[NbdProtocol.MAX_OPTION_DATA_LENGTH];
        channel.writeInbound(Unpooled.wrappedBuffer(concat(bytes().u32(1).array(), option(1000, data))));
        assertThat(Channels.inbound(channel)).containsExactly(new NbdClientFlags(1),
                new NbdOptionRequest.Bare(1000, data.length));
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void malformedOptionDataBecomesMalformedRequests() {
        assertMalformed(7, bytes().u32(1).array(), "shorter than 6");
        assertMalformed(6, bytes().u32(100).str("ab").u16(0).array(), "exceeds the option data");
        assertMalformed(7, bytes().lstr("ab").u16(2).u16(1).array(), "does not match");
        assertMalformed(7, bytes().lstr("ab").u16(0).u8(0).array(), "does not match");
        assertMalformed(10, bytes().u32(4).array(), "shorter than 8");
        assertMalformed(10, bytes().lstr("x").u32(1).u32(50).str("ab").array(), "bad query length");
        assertMalformed(9, bytes().lstr("x").u32(1000).u32(0).array(), "query count");
        assertMalformed(9, concat(metaData("x", "base:"), new byte[] {9}), "trailing");
        assertMalformed(1, new byte[NbdProtocol.MAX_STRING_LENGTH + 1], "too long");
        assertMalformed(7, bytes().lstr("n".repeat(NbdProtocol.MAX_STRING_LENGTH + 1)).u16(0).array(), "too long");
    }

    /** Pauses the decoder when GO arrives, as the handshake handler does while the export is being attached. */
    private static final class PauseOnGo extends ChannelInboundHandlerAdapter {
        private final NbdHandshakeDecoder decoder;
        final List<Object> seen = new ArrayList<>();

        PauseOnGo(NbdHandshakeDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg);
            if (msg instanceof NbdOptionRequest.Info info && info.option() == NbdOption.GO) {
                decoder.pause();
            }
        }
    }

    @Test
    void pausedAfterAnOptionItHoldsTheRestUntilResumed() {
        NbdHandshakeDecoder decoder = new NbdHandshakeDecoder();
        PauseOnGo handler = new PauseOnGo(decoder);
        EmbeddedChannel channel = new EmbeddedChannel(decoder, handler);
        byte[] list = option(3, new byte[0]);
        channel.writeInbound(Unpooled.wrappedBuffer(concat(bytes().u32(1).array(), option(7, infoData("disk")),
                list, list)));
        channel.writeInbound(Unpooled.wrappedBuffer(option(2, new byte[0])));
        NbdOptionRequest go = new NbdOptionRequest.Info(NbdOption.GO, "disk", List.of());
        assertThat(handler.seen).containsExactly(new NbdClientFlags(1), go);
        assertThat(decoder.state()).isEqualTo(NbdHandshakeDecoder.State.PAUSED);
        assertThatThrownBy(decoder::pause).isInstanceOf(IllegalStateException.class);

        decoder.resume();
        assertThat(handler.seen).containsExactly(new NbdClientFlags(1), go, new NbdOptionRequest.Bare(3, 0),
                new NbdOptionRequest.Bare(3, 0), new NbdOptionRequest.Bare(2, 0));
        assertThat(decoder.state()).isEqualTo(NbdHandshakeDecoder.State.AWAIT_OPTION_HEADER);
        assertThatThrownBy(decoder::resume).isInstanceOf(IllegalStateException.class);
        assertThat(channel.finish()).isFalse();
    }

    private static void assertMalformed(int code, byte[] data, String reason) {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdHandshakeDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(concat(bytes().u32(1).array(), option(code, data),
                option(3, new byte[0]))));
        List<Object> messages = Channels.inbound(channel);
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1)).isInstanceOfSatisfying(NbdOptionRequest.Malformed.class, m -> {
            assertThat(m.code()).isEqualTo(code);
            assertThat(m.reason()).contains(reason);
        });
        // the decoder stays in step: the next option decodes normally
        assertThat(messages.get(2)).isEqualTo(new NbdOptionRequest.Bare(3, 0));
        assertThat(channel.finish()).isFalse();
    }
}
