package io.sheepdog.nbd.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The wire codes against proto.md, and the validating lookups. */
class NbdWireEnumsTest {

    @Test
    void magicsMatchTheSpec() {
        assertThat(NbdProtocol.NBD_MAGIC).isEqualTo(0x4e42444d41474943L);
        assertThat(NbdProtocol.IHAVEOPT).isEqualTo(0x49484156454F5054L);
        assertThat(NbdProtocol.OPTION_REPLY_MAGIC).isEqualTo(0x0003e889045565a9L);
        assertThat(NbdProtocol.REQUEST_MAGIC).isEqualTo(0x25609513);
        assertThat(NbdProtocol.SIMPLE_REPLY_MAGIC).isEqualTo(0x67446698);
        assertThat(NbdProtocol.STRUCTURED_REPLY_MAGIC).isEqualTo(0x668e33ef);
        assertThat(NbdProtocol.REQUEST_HEADER_LENGTH).isEqualTo(28);
    }

    @Test
    void optionCodes() {
        assertThat(NbdOption.EXPORT_NAME.code()).isEqualTo(1);
        assertThat(NbdOption.ABORT.code()).isEqualTo(2);
        assertThat(NbdOption.LIST.code()).isEqualTo(3);
        assertThat(NbdOption.STARTTLS.code()).isEqualTo(5);
        assertThat(NbdOption.INFO.code()).isEqualTo(6);
        assertThat(NbdOption.GO.code()).isEqualTo(7);
        assertThat(NbdOption.STRUCTURED_REPLY.code()).isEqualTo(8);
        assertThat(NbdOption.LIST_META_CONTEXT.code()).isEqualTo(9);
        assertThat(NbdOption.SET_META_CONTEXT.code()).isEqualTo(10);
        for (NbdOption o : NbdOption.values()) {
            assertThat(NbdOption.valueOf(o.code())).isSameAs(o);
        }
        assertThat(NbdOption.lookup(0)).isEmpty();
        assertThat(NbdOption.lookup(-1)).isEmpty();
        assertThatThrownBy(() -> NbdOption.valueOf(12)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionReplyCodes() {
        assertThat(NbdOptionReplyType.ACK.code()).isEqualTo(1);
        assertThat(NbdOptionReplyType.SERVER.code()).isEqualTo(2);
        assertThat(NbdOptionReplyType.INFO.code()).isEqualTo(3);
        assertThat(NbdOptionReplyType.META_CONTEXT.code()).isEqualTo(4);
        assertThat(Integer.toUnsignedLong(NbdOptionReplyType.ERR_UNSUP.code())).isEqualTo(0x8000_0001L);
        assertThat(Integer.toUnsignedLong(NbdOptionReplyType.ERR_POLICY.code())).isEqualTo(0x8000_0002L);
        assertThat(Integer.toUnsignedLong(NbdOptionReplyType.ERR_INVALID.code())).isEqualTo(0x8000_0003L);
        assertThat(Integer.toUnsignedLong(NbdOptionReplyType.ERR_UNKNOWN.code())).isEqualTo(0x8000_0006L);
        assertThat(Integer.toUnsignedLong(NbdOptionReplyType.ERR_SHUTDOWN.code())).isEqualTo(0x8000_0007L);
        assertThat(Integer.toUnsignedLong(NbdOptionReplyType.ERR_TOO_BIG.code())).isEqualTo(0x8000_0009L);
        assertThat(NbdOptionReplyType.ERR_UNSUP.isError()).isTrue();
        assertThat(NbdOptionReplyType.ACK.isError()).isFalse();
        for (NbdOptionReplyType t : NbdOptionReplyType.values()) {
            assertThat(NbdOptionReplyType.valueOf(t.code())).isSameAs(t);
        }
        assertThatThrownBy(() -> NbdOptionReplyType.valueOf(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commandsFlagsAndReplyTypes() {
        assertThat(NbdCommand.READ.code()).isZero();
        assertThat(NbdCommand.WRITE.code()).isEqualTo(1);
        assertThat(NbdCommand.DISC.code()).isEqualTo(2);
        assertThat(NbdCommand.FLUSH.code()).isEqualTo(3);
        assertThat(NbdCommand.TRIM.code()).isEqualTo(4);
        assertThat(NbdCommand.CACHE.code()).isEqualTo(5);
        assertThat(NbdCommand.WRITE_ZEROES.code()).isEqualTo(6);
        assertThat(NbdCommand.BLOCK_STATUS.code()).isEqualTo(7);
        assertThat(NbdCommand.lookup(9)).isEmpty();
        assertThatThrownBy(() -> NbdCommand.valueOf(65535)).isInstanceOf(IllegalArgumentException.class);

        assertThat(NbdCommandFlag.FUA.mask()).isEqualTo(1);
        assertThat(NbdCommandFlag.NO_HOLE.mask()).isEqualTo(2);
        assertThat(NbdCommandFlag.DF.mask()).isEqualTo(4);
        assertThat(NbdCommandFlag.REQ_ONE.mask()).isEqualTo(8);
        assertThat(NbdCommandFlag.FAST_ZERO.mask()).isEqualTo(16);

        assertThat(NbdTransmissionFlag.HAS_FLAGS.mask()).isEqualTo(1);
        assertThat(NbdTransmissionFlag.READ_ONLY.mask()).isEqualTo(2);
        assertThat(NbdTransmissionFlag.SEND_FLUSH.mask()).isEqualTo(4);
        assertThat(NbdTransmissionFlag.SEND_FUA.mask()).isEqualTo(8);
        assertThat(NbdTransmissionFlag.SEND_TRIM.mask()).isEqualTo(32);
        assertThat(NbdTransmissionFlag.SEND_WRITE_ZEROES.mask()).isEqualTo(64);
        assertThat(NbdTransmissionFlag.SEND_DF.mask()).isEqualTo(128);
        assertThat(NbdTransmissionFlag.CAN_MULTI_CONN.mask()).isEqualTo(256);
        assertThat(NbdTransmissionFlag.SEND_CACHE.mask()).isEqualTo(1024);
        assertThat(NbdTransmissionFlag.SEND_FAST_ZERO.mask()).isEqualTo(2048);
        assertThat(NbdTransmissionFlag.fromBits(0x105)).containsExactly(NbdTransmissionFlag.HAS_FLAGS,
                NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.CAN_MULTI_CONN);

        assertThat(NbdHandshakeFlag.FIXED_NEWSTYLE.mask()).isEqualTo(1);
        assertThat(NbdHandshakeFlag.NO_ZEROES.mask()).isEqualTo(2);
        assertThat(NbdClientFlag.knownMask()).isEqualTo(3);

        assertThat(NbdReplyType.NONE.code()).isZero();
        assertThat(NbdReplyType.OFFSET_DATA.code()).isEqualTo(1);
        assertThat(NbdReplyType.OFFSET_HOLE.code()).isEqualTo(2);
        assertThat(NbdReplyType.BLOCK_STATUS.code()).isEqualTo(5);
        assertThat(NbdReplyType.ERROR.code()).isEqualTo(0x8001);
        assertThat(NbdReplyType.ERROR_OFFSET.code()).isEqualTo(0x8002);
        assertThat(NbdReplyType.ERROR.isError()).isTrue();
        assertThatThrownBy(() -> NbdReplyType.valueOf(3)).isInstanceOf(IllegalArgumentException.class);

        assertThat(NbdInfoType.valueOf(3)).isEqualTo(NbdInfoType.BLOCK_SIZE);
        assertThat(NbdInfoType.lookup(4)).isEmpty();
    }
}
