package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link NbdHandshakeReply}s in the fixed newstyle wire format (proto.md "Fixed newstyle negotiation"). */
public final class NbdHandshakeEncoder extends MessageToByteEncoder<NbdHandshakeReply> {

    public NbdHandshakeEncoder() {
        super(NbdHandshakeReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NbdHandshakeReply msg, ByteBuf out) {
        if (msg instanceof NbdServerGreeting greeting) {
            out.writeLong(NbdProtocol.NBD_MAGIC);
            out.writeLong(NbdProtocol.IHAVEOPT);
            out.writeShort(greeting.handshakeFlags());
        } else if (msg instanceof NbdExportNameReply reply) {
            out.writeLong(reply.size());
            out.writeShort(reply.transmissionFlags());
            if (!reply.noZeroes()) {
                out.writeZero(NbdProtocol.EXPORT_NAME_REPLY_ZEROES);
            }
        } else {
            encodeOptionReply((NbdOptionReply) msg, out);
        }
    }

    private static void encodeOptionReply(NbdOptionReply msg, ByteBuf out) {
        if (msg instanceof NbdOptionReply.Ack) {
            header(out, msg, NbdOptionReplyType.ACK, 0);
        } else if (msg instanceof NbdOptionReply.Server server) {
            int nameLength = ByteBufUtil.utf8Bytes(server.name());
            header(out, msg, NbdOptionReplyType.SERVER, 4 + nameLength + ByteBufUtil.utf8Bytes(server.description()));
            out.writeInt(nameLength);
            ByteBufUtil.writeUtf8(out, server.name());
            ByteBufUtil.writeUtf8(out, server.description());
        } else if (msg instanceof NbdOptionReply.InfoExport info) {
            header(out, msg, NbdOptionReplyType.INFO, 2 + 8 + 2);
            out.writeShort(NbdInfoType.EXPORT.code());
            out.writeLong(info.size());
            out.writeShort(info.transmissionFlags());
        } else if (msg instanceof NbdOptionReply.InfoName info) {
            infoString(out, msg, NbdInfoType.NAME, info.name());
        } else if (msg instanceof NbdOptionReply.InfoDescription info) {
            infoString(out, msg, NbdInfoType.DESCRIPTION, info.description());
        } else if (msg instanceof NbdOptionReply.InfoBlockSize info) {
            header(out, msg, NbdOptionReplyType.INFO, 2 + 4 + 4 + 4);
            out.writeShort(NbdInfoType.BLOCK_SIZE.code());
            out.writeInt(info.minimum());
            out.writeInt(info.preferred());
            out.writeInt(info.maximum());
        } else if (msg instanceof NbdOptionReply.MetaContext context) {
            header(out, msg, NbdOptionReplyType.META_CONTEXT, 4 + ByteBufUtil.utf8Bytes(context.name()));
            out.writeInt(context.contextId());
            ByteBufUtil.writeUtf8(out, context.name());
        } else {
            NbdOptionReply.Error error = (NbdOptionReply.Error) msg;
            header(out, msg, error.type(), ByteBufUtil.utf8Bytes(error.message()));
            ByteBufUtil.writeUtf8(out, error.message());
        }
    }

    private static void infoString(ByteBuf out, NbdOptionReply msg, NbdInfoType type, String value) {
        header(out, msg, NbdOptionReplyType.INFO, 2 + ByteBufUtil.utf8Bytes(value));
        out.writeShort(type.code());
        ByteBufUtil.writeUtf8(out, value);
    }

    private static void header(ByteBuf out, NbdOptionReply msg, NbdOptionReplyType type, int length) {
        out.writeLong(NbdProtocol.OPTION_REPLY_MAGIC);
        out.writeInt(msg.option());
        out.writeInt(type.code());
        out.writeInt(length);
    }
}
