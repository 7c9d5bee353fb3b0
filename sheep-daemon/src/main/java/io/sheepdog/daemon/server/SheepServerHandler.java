package io.sheepdog.daemon.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sheepdog.daemon.proto.SheepDecodeFailure;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepRequestDecoder;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.nbd.limit.Admission;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.RateLimitedLog;
import io.sheepdog.nbd.limit.ReadGate;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection logic: hands each request to the {@link SheepRequestAdapter} and writes its response whenever it
 * completes, so responses leave in completion order, not request order (the client matches them by id). Answers decode
 * failures and closes the connection when the decoder has lost the framing.
 *
 * <p>Back-pressure: with {@code maxInFlight} requests outstanding, or while the channel is not writable, the handler
 * closes the {@link ReadGate}, so a fast client cannot make the server queue without bound; the decoder's
 * {@link Admission} does the same while the next request's bytes do not fit in the connection's budget. What the
 * decoder reserved for a request ({@link SheepRequestDecoder#reservation}), and what its response holds beyond that,
 * is released once the response is written. All state is confined to the channel's event loop.
 */
final class SheepServerHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SheepServerHandler.class);
    /** Frames refused and connections closed for what a client sent: logged at a bounded rate. */
    static final RateLimitedLog HOSTILE = new RateLimitedLog(LOG);

    private final SheepRequestAdapter adapter;
    private final int maxInFlight;
    private final int maxFrameSize;
    private final Admission admission;
    private ReadGate gate;
    private int inFlight;

    SheepServerHandler(SheepRequestAdapter adapter, int maxInFlight) {
        this(adapter, maxInFlight, SheepProtocol.DEFAULT_MAX_FRAME_SIZE, Admission.UNLIMITED);
    }

    /**
     * @param maxFrameSize the decoder's frame cap, which bounds what a read reserves
     * @param admission    where the decoder reserved each request's bytes, released here
     */
    SheepServerHandler(SheepRequestAdapter adapter, int maxInFlight, int maxFrameSize, Admission admission) {
        this.adapter = adapter;
        this.maxInFlight = maxInFlight;
        this.maxFrameSize = maxFrameSize;
        this.admission = admission;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        gate = ReadGate.of(ctx.pipeline());
        ConnectionWatchdog watchdog = ctx.pipeline().get(ConnectionWatchdog.class);
        if (watchdog != null) {
            watchdog.busyWhile(() -> inFlight > 0);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SheepRequest request) {
            inFlight++;
            updateAutoRead(ctx);
            long reserved = SheepRequestDecoder.reservation(request.opcode(), request.payload().readableBytes(),
                    request.arg2(), maxFrameSize);
            adapter.dispatch(request, ctx.alloc()).whenComplete((response, t) -> respond(ctx, response, reserved));
        } else if (msg instanceof SheepDecodeFailure failure) {
            answer(ctx, failure);
        } else {
            LOG.warn("unexpected message {} from {}, closing", msg.getClass().getName(), ctx.channel().remoteAddress());
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    private void answer(ChannelHandlerContext ctx, SheepDecodeFailure failure) {
        if (failure.fatal()) {
            HOSTILE.warn("sheep client {} sent a frame that cannot be decoded, closing: {}",
                    ctx.channel().remoteAddress(), failure.message());
        } else {
            LOG.debug("refused a frame from {}: {}", ctx.channel().remoteAddress(), failure);
        }
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
    private void respond(ChannelHandlerContext ctx, SheepResponse response, long reserved) {
        if (!ctx.executor().inEventLoop()) {
            try {
                ctx.executor().execute(() -> respond(ctx, response, reserved));
            } catch (RejectedExecutionException e) {
                // The server is shutting down and the connection with it; nobody is left to answer.
                ReferenceCountUtil.release(response);
            }
            return;
        }
        inFlight--;
        if (response != null) {
            // the response's payload is in memory until the socket took it; count what the request did not reserve
            long extra = Math.max(0, response.payload().readableBytes() - reserved);
            admission.forceReserve(extra);
            long held = reserved + extra;
            ctx.writeAndFlush(response).addListener(f -> admission.release(held))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        } else {
            admission.release(reserved);
        }
        updateAutoRead(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void updateAutoRead(ChannelHandlerContext ctx) {
        gate.hold(ReadGate.Reason.REQUESTS, inFlight >= maxInFlight);
        gate.hold(ReadGate.Reason.UNWRITABLE, !ctx.channel().isWritable());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection from {} failed, closing", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
