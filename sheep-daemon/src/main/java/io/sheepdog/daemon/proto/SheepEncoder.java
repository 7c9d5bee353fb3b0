package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link SheepRequest}s and {@link SheepResponse}s as frames (layout in {@link SheepProtocol}). The header is
 * a fresh 64-byte buffer and the payload follows as a second buffer, so data payloads are never copied. A message
 * whose frame would exceed the cap fails its write instead of reaching a peer that would drop the connection.
 */
@ChannelHandler.Sharable
public final class SheepEncoder extends MessageToMessageEncoder<SheepMessage> {

    private final int maxFrameSize;

    public SheepEncoder(int maxFrameSize) {
        super(SheepMessage.class);
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SheepMessage msg, List<Object> out) {
        ByteBuf payload = msg.payload();
        int length = payload.readableBytes();
        if (length > SheepProtocol.maxPayload(maxFrameSize)) {
            throw new IllegalArgumentException("frame of " + (length + SheepProtocol.HEADER_SIZE)
                    + " bytes exceeds the limit of " + maxFrameSize + " bytes");
        }
        ByteBuf header = ctx.alloc().buffer(SheepProtocol.HEADER_SIZE);
        writeHeader(msg, length, header);
        out.add(header);
        if (length > 0) {
            // The encoder base class releases msg (and so the payload) after encode; the frame keeps one reference.
            out.add(payload.retain());
        }
    }

    /** Writes the {@value SheepProtocol#HEADER_SIZE}-byte header of {@code msg} to {@code out}. */
    static void writeHeader(SheepMessage msg, int payloadLength, ByteBuf out) {
        if (msg.epoch() < 0 || msg.epoch() > 0xffff_ffffL) {
            throw new IllegalArgumentException("epoch out of u32 range: " + msg.epoch());
        }
        boolean response = msg instanceof SheepResponse;
        out.writeInt(SheepProtocol.MAGIC);
        out.writeByte(SheepProtocol.VERSION);
        out.writeByte(msg.opcodeCode());
        out.writeShort(msg.flags() | (response ? SheepProtocol.FLAG_RESPONSE : 0));
        out.writeInt(response ? ((SheepResponse) msg).result().code() : 0);
        out.writeInt((int) msg.epoch());
        out.writeLong(msg.requestId());
        out.writeInt(payloadLength);
        out.writeInt(0);
        out.writeLong(msg.arg0());
        out.writeLong(msg.arg1());
        out.writeLong(msg.arg2());
        out.writeLong(msg.arg3());
    }
}
