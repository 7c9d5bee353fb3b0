package io.sheepdog.nbd.testutil;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** EmbeddedChannel helpers that release everything they read. */
public final class Channels {

    private Channels() {
    }

    /** Writes {@code data} to the channel's inbound side, cut at {@code split} (0 or length: in one piece). */
    public static void writeSplit(EmbeddedChannel channel, byte[] data, int split) {
        if (split > 0) {
            channel.writeInbound(Unpooled.wrappedBuffer(data, 0, split));
        }
        if (split < data.length) {
            channel.writeInbound(Unpooled.wrappedBuffer(data, split, data.length - split));
        }
    }

    /** Writes {@code data} one byte at a time. */
    public static void writeByteByByte(EmbeddedChannel channel, byte[] data) {
        for (byte b : data) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
    }

    /** Everything written to the outbound side so far, concatenated; the buffers are released. */
    public static byte[] drainOutbound(EmbeddedChannel channel) {
        channel.runPendingTasks();
        if (channel.isOpen()) {
            channel.flushOutbound();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        outboundBuffers(channel).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** The outbound messages as separate byte arrays (one per ByteBuf); released. */
    public static List<byte[]> outboundBuffers(EmbeddedChannel channel) {
        channel.runPendingTasks();
        List<byte[]> list = new ArrayList<>();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            try {
                ByteBuf buf = (ByteBuf) msg;
                byte[] b = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), b);
                list.add(b);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return list;
    }

    /** All inbound messages read so far (the caller releases them). */
    public static List<Object> inbound(EmbeddedChannel channel) {
        List<Object> list = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            list.add(msg);
        }
        return list;
    }

    /** Releases every message in {@code messages}. */
    public static void releaseAll(List<?> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }
}
