package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.sheepdog.nbd.Extent;
import java.util.List;

/**
 * Writes {@link NbdReply}s. Read data is never copied: the encoder emits a small header buffer followed by the
 * retained data buffer, and the transport writes both with one gathering write on the next flush.
 */
public final class NbdReplyEncoder extends MessageToMessageEncoder<NbdReply> {

    public NbdReplyEncoder() {
        super(NbdReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NbdReply msg, List<Object> out) {
        if (msg instanceof NbdReply.Simple simple) {
            ByteBuf buf = ctx.alloc().ioBuffer(NbdProtocol.SIMPLE_REPLY_LENGTH);
            simpleHeader(buf, simple.error(), simple.cookie());
            out.add(buf);
        } else if (msg instanceof NbdReply.SimpleRead read) {
            ByteBuf buf = ctx.alloc().ioBuffer(NbdProtocol.SIMPLE_REPLY_LENGTH);
            simpleHeader(buf, 0, read.cookie());
            out.add(buf);
            addData(out, read.content());
        } else if (msg instanceof NbdReply.OffsetData data) {
            int length = data.content().readableBytes();
            if (length == 0) {
                throw new IllegalArgumentException("OFFSET_DATA chunk without data");
            }
            ByteBuf buf = ctx.alloc().ioBuffer(NbdProtocol.STRUCTURED_REPLY_HEADER_LENGTH + 8);
            chunkHeader(buf, data.flags(), NbdReplyType.OFFSET_DATA, data.cookie(), 8 + length);
            buf.writeLong(data.offset());
            out.add(buf);
            addData(out, data.content());
        } else if (msg instanceof NbdReply.None none) {
            ByteBuf buf = ctx.alloc().ioBuffer(NbdProtocol.STRUCTURED_REPLY_HEADER_LENGTH);
            chunkHeader(buf, NbdProtocol.REPLY_FLAG_DONE, NbdReplyType.NONE, none.cookie(), 0);
            out.add(buf);
        } else if (msg instanceof NbdReply.Error error) {
            out.add(encodeError(ctx, error));
        } else {
            out.add(encodeBlockStatus(ctx, (NbdReply.BlockStatus) msg));
        }
    }

    private static void addData(List<Object> out, ByteBuf content) {
        // the superclass releases the message after encode(); the retained data lives on in the output
        out.add(content.retain());
    }

    private static ByteBuf encodeError(ChannelHandlerContext ctx, NbdReply.Error error) {
        int messageLength = ByteBufUtil.utf8Bytes(error.message());
        if (messageLength > NbdProtocol.MAX_STRING_LENGTH) {
            throw new IllegalArgumentException("error message longer than " + NbdProtocol.MAX_STRING_LENGTH);
        }
        ByteBuf buf = ctx.alloc().ioBuffer(NbdProtocol.STRUCTURED_REPLY_HEADER_LENGTH + 6 + messageLength);
        chunkHeader(buf, error.flags(), NbdReplyType.ERROR, error.cookie(), 6 + messageLength);
        buf.writeInt(error.error());
        buf.writeShort(messageLength);
        ByteBufUtil.writeUtf8(buf, error.message());
        return buf;
    }

    private static ByteBuf encodeBlockStatus(ChannelHandlerContext ctx, NbdReply.BlockStatus status) {
        int length = 4 + 8 * status.descriptors().size();
        ByteBuf buf = ctx.alloc().ioBuffer(NbdProtocol.STRUCTURED_REPLY_HEADER_LENGTH + length);
        chunkHeader(buf, status.flags(), NbdReplyType.BLOCK_STATUS, status.cookie(), length);
        buf.writeInt(status.contextId());
        for (Extent e : status.descriptors()) {
            buf.writeInt((int) e.length());
            buf.writeInt(e.flags());
        }
        return buf;
    }

    private static void simpleHeader(ByteBuf buf, int error, long cookie) {
        buf.writeInt(NbdProtocol.SIMPLE_REPLY_MAGIC);
        buf.writeInt(error);
        buf.writeLong(cookie);
    }

    private static void chunkHeader(ByteBuf buf, int flags, NbdReplyType type, long cookie, int length) {
        buf.writeInt(NbdProtocol.STRUCTURED_REPLY_MAGIC);
        buf.writeShort(flags);
        buf.writeShort(type.code());
        buf.writeLong(cookie);
        buf.writeInt(length);
    }
}
