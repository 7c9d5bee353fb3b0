package io.sheepdog.nbd.codec;

import static io.sheepdog.nbd.testutil.Wire.bytes;
import static io.sheepdog.nbd.testutil.Wire.optionReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import org.junit.jupiter.api.Test;

class NbdHandshakeEncoderTest {

    private static byte[] encode(NbdHandshakeReply reply) {
        EmbeddedChannel channel = new EmbeddedChannel(new NbdHandshakeEncoder());
        channel.writeOutbound(reply);
        byte[] bytes = Channels.drainOutbound(channel);
        assertThat(channel.finish()).isFalse();
        return bytes;
    }

    @Test
    void greeting() {
        assertThat(encode(new NbdServerGreeting(3)))
                .isEqualTo(bytes().str("NBDMAGIC").str("IHAVEOPT").u16(3).array())
                .isEqualTo(Wire.greeting(3));
    }

    @Test
    void exportNameReplyWithAndWithoutZeroes() {
        assertThat(encode(new NbdExportNameReply(1L << 33, 0x1ed, false)))
                .isEqualTo(bytes().u64(1L << 33).u16(0x1ed).zeroes(124).array());
        assertThat(encode(new NbdExportNameReply(512, 1, true))).isEqualTo(bytes().u64(512).u16(1).array());
    }

    @Test
    void ackAndServer() {
        assertThat(encode(new NbdOptionReply.Ack(8))).isEqualTo(optionReply(8, 1, new byte[0]));
        assertThat(encode(new NbdOptionReply.Server(3, "disk", "a disk")))
                .isEqualTo(optionReply(3, 2, bytes().lstr("disk").str("a disk").array()));
        assertThat(encode(new NbdOptionReply.Server(3, "", "")))
                .isEqualTo(optionReply(3, 2, bytes().u32(0).array()));
    }

    @Test
    void infoReplies() {
        assertThat(encode(new NbdOptionReply.InfoExport(7, 0x1_0000_0000L, 0x0d)))
                .isEqualTo(optionReply(7, 3, bytes().u16(0).u64(0x1_0000_0000L).u16(0x0d).array()));
        assertThat(encode(new NbdOptionReply.InfoName(6, "näme")))
                .isEqualTo(optionReply(6, 3, bytes().u16(1).str("näme").array()));
        assertThat(encode(new NbdOptionReply.InfoDescription(6, "desc")))
                .isEqualTo(optionReply(6, 3, bytes().u16(2).str("desc").array()));
        assertThat(encode(new NbdOptionReply.InfoBlockSize(7, 1, 4096, 32 << 20)))
                .isEqualTo(optionReply(7, 3, bytes().u16(3).u32(1).u32(4096).u32(32 << 20).array()));
    }

    @Test
    void metaContextAndErrors() {
        assertThat(encode(new NbdOptionReply.MetaContext(10, 1, "base:allocation")))
                .isEqualTo(optionReply(10, 4, bytes().u32(1).str("base:allocation").array()));
        assertThat(encode(new NbdOptionReply.Error(42, NbdOptionReplyType.ERR_UNSUP, "")))
                .isEqualTo(optionReply(42, 0x8000_0001L, new byte[0]));
        assertThat(encode(new NbdOptionReply.Error(5, NbdOptionReplyType.ERR_POLICY, "no")))
                .isEqualTo(optionReply(5, 0x8000_0002L, bytes().str("no").array()));
        assertThat(encode(new NbdOptionReply.Error(7, NbdOptionReplyType.ERR_UNKNOWN, "x")))
                .isEqualTo(optionReply(7, 0x8000_0006L, bytes().str("x").array()));
    }
}
