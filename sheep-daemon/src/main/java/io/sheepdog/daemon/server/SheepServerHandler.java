package io.sheepdog.daemon.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sheepdog.daemon.proto.SheepDecodeFailure;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection logic: hands each request to the {@link SheepRequestAdapter} and writes its response whenever it
 * completes, so responses leave in completion order, not request order (the client matches them by id). Answers decode
 * failures and closes the connection when the decoder has lost the framing.
 *
 * <p>Back-pressure: with {@code maxInFlight} requests outstanding, or while the channel is not writable, the handler
 * stops reading from the socket, so a fast client cannot make the server queue without bound.
 * All state is confined to the channel's event loop.
 */
final class SheepServerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SheepServerHandler.class);

    private final SheepRequestAdapter adapter;
    private final int maxInFlight;
    private int inFlight;

    SheepServerHandler(SheepRequestAdapter adapter, int maxInFlight) {
        this.adapter = adapter;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SheepRequest request) {
            inFlight++;
            updateAutoRead(ctx);
            adapter.dispatch(request, ctx.alloc()).whenComplete((response, t) -> respond(ctx, response));
        } else if (msg instanceof SheepDecodeFailure failure) {
            answer(ctx, failure);
        } else {
            LOG.warn("unexpected message {} from {}, closing", msg.getClass().getName(), ctx.channel().remoteAddress());
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    private void answer(ChannelHandlerContext ctx, SheepDecodeFailure failure) {
        LOG.debug("refused a frame from {}: {}", ctx.channel().remoteAddress(), failure);
        if (failure.hasRequestId() && failure.opcode() >= 0) {
            SheepResponse error = SheepResponse.error(failure.opcode(), failure.requestId(), failure.result(),
                    failure.message(), ctx.alloc());
            if (failure.fatal()) {
                ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(error);
            }
        } else if (failure.fatal()) {
            ctx.close();
        }
    }

    /** Writes a completed response; hops onto the event loop when the operation finished elsewhere. */
    private void respond(ChannelHandlerContext ctx, SheepResponse response) {
        if (!ctx.executor().inEventLoop()) {
            try {
                ctx.executor().execute(() -> respond(ctx, response));
            } catch (RejectedExecutionException e) {
                // The server is shutting down and the connection with it; nobody is left to answer.
                ReferenceCountUtil.release(response);
            }
            return;
        }
        inFlight--;
        if (response != null) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        }
        updateAutoRead(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void updateAutoRead(ChannelHandlerContext ctx) {
        boolean read = inFlight < maxInFlight && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} failed, closing", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
