package io.sheepdog.daemon.client;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.SheepDecodeFailure;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches responses to requests by request id. Every request in flight has an entry with a timeout; the entry goes
 * when the answer arrives (the future completes with the response), when the timeout fires, when the write fails, or
 * when the connection closes (every future still pending fails with NETWORK_ERROR). All state is confined to the
 * channel's event loop; {@link SheepClient} hops onto it before calling {@link #send}.
 */
final class SheepClientHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SheepClientHandler.class);

    private final String peer;
    private final Duration requestTimeout;
    private final Map<Long, PendingCall> pending = new HashMap<>();
    private ChannelHandlerContext ctx;
    /** Why the connection broke, if known, for the messages of the requests it takes down. */
    private String breakReason;
    /** Set when the peer sent something that is not our protocol; later failures repeat it. */
    private SheepException brokenBy;
    private boolean inactive;

    SheepClientHandler(String peer, Duration requestTimeout) {
        this.peer = peer;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Sends {@code request} (ownership passes here) and completes {@code future} with its answer. Event loop only. */
    void send(SheepRequest request, CompletableFuture<SheepResponse> future) {
        if (inactive || !ctx.channel().isActive()) {
            request.release();
            future.completeExceptionally(closedException());
            return;
        }
        long id = request.requestId();
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> timeOut(id), requestTimeout.toNanos(),
                TimeUnit.NANOSECONDS);
        ChannelPromise written = ctx.newPromise();
        pending.put(id, new PendingCall(request.opcode(), future, timeout, written));
        written.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                writeFailed(id, f.cause());
            }
        });
        ctx.writeAndFlush(request, written);
    }

    private void writeFailed(long id, Throwable cause) {
        PendingCall call = pending.remove(id);
        if (call == null) {
            return;
        }
        call.timeout().cancel(false);
        if (cause instanceof EncoderException && cause.getCause() instanceof IllegalArgumentException bad) {
            call.future().completeExceptionally(new SheepException(ResultCode.INVALID_PARAMS, bad.getMessage()));
        } else {
            call.future().completeExceptionally(new SheepException(ResultCode.NETWORK_ERROR,
                    "cannot send " + call.opcode() + " to sheep at " + peer + ": " + describe(cause), cause));
        }
    }

    private void timeOut(long id) {
        PendingCall call = pending.remove(id);
        if (call != null) {
            if (!call.written().isDone()) {
                // The peer has not even taken the request's bytes. Once the caller hears of the timeout it may free
                // the payload (a view of its buffer), so the frame must not be sent later: closing the connection
                // drops the unsent frames now, before the caller is told; the other requests fail with it.
                breakReason = "a request could not be sent within " + describe(requestTimeout);
                ctx.close();
            }
            call.future().completeExceptionally(new SheepException(ResultCode.NETWORK_ERROR, "sheep at " + peer
                    + " did not answer " + call.opcode() + " within " + describe(requestTimeout)));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (msg instanceof SheepResponse response) {
            PendingCall call = pending.remove(response.requestId());
            if (call == null) {
                // Timed out earlier, or a confused peer: nobody waits for it.
                LOG.debug("dropping response to unknown request {} from {}", response.requestId(), peer);
                response.release();
                return;
            }
            call.timeout().cancel(false);
            if (!call.future().complete(response)) {
                response.release();
            }
        } else if (msg instanceof SheepDecodeFailure failure) {
            failDecoded(failure);
        } else {
            ReferenceCountUtil.release(msg);
            context.close();
        }
    }

    private void failDecoded(SheepDecodeFailure failure) {
        LOG.debug("bad frame from {}: {}", peer, failure);
        // Whatever answered is not a sheep we can talk to: unreachable for the caller's purposes, unless it is a sheep
        // of another version, which deserves its own code.
        ResultCode code = failure.result() == ResultCode.VER_MISMATCH ? ResultCode.VER_MISMATCH
                : ResultCode.NETWORK_ERROR;
        SheepException error = new SheepException(code, "sheep at " + peer + ": " + failure.message());
        PendingCall call = pending.remove(failure.requestId());
        if (call != null) {
            call.timeout().cancel(false);
            call.future().completeExceptionally(error);
        }
        if (failure.fatal()) {
            // The stream is out of frame: every other request is lost with it, for the same reason, and so is any
            // request sent before the close lands.
            brokenBy = error;
            failAll(error);
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (breakReason == null) {
            breakReason = describe(cause);
        }
        if (brokenBy == null && TlsFailures.isAlert(cause)) {
            // TLS 1.3: the server checks the client's certificate after the client's handshake is done, so a
            // refused key shows as an alert on the first request.
            brokenBy = TlsFailures.toException(peer, cause);
        }
        LOG.debug("connection to {} failed", peer, cause);
        context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        inactive = true;
        failAll(closedException());
        context.fireChannelInactive();
    }

    private void failAll(SheepException error) {
        List<PendingCall> calls = new ArrayList<>(pending.values());
        pending.clear();
        for (PendingCall call : calls) {
            call.timeout().cancel(false);
            call.future().completeExceptionally(error);
        }
    }

    private SheepException closedException() {
        if (brokenBy != null) {
            return new SheepException(brokenBy.result(), brokenBy.getMessage());
        }
        return new SheepException(ResultCode.NETWORK_ERROR, "connection to sheep at " + peer + " closed"
                + (breakReason == null ? "" : ": " + breakReason));
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
