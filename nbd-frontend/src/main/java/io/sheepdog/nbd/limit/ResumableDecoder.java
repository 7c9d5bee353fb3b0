package io.sheepdog.nbd.limit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * A decoder that can stop in the middle of what it has buffered (an {@link Admission} refused the next request, the
 * handler paused it) and later {@link #decodeBuffered decode it} without waiting for more bytes from the socket,
 * which may never come: the client sent everything already.
 */
public abstract class ResumableDecoder extends ByteToMessageDecoder {

    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Decodes what is buffered, as if it had just arrived; must be called on the channel's event loop. */
    protected final void decodeBuffered() {
        if (ctx == null || ctx.isRemoved() || actualReadableBytes() == 0) {
            return;
        }
        // the buffered bytes came with reads that are over: no new read will decode them, so start one ourselves
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e); // where an exception from a read would have gone
        }
    }
}
