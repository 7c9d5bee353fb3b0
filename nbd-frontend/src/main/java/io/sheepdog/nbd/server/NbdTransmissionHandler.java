package io.sheepdog.nbd.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.codec.NbdCommandFlag;
import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.codec.NbdReply;
import io.sheepdog.nbd.codec.NbdRequest;
import io.sheepdog.nbd.codec.NbdRequestDecoder;
import io.sheepdog.nbd.limit.Admission;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.ReadGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the transmission phase of one connection (proto.md "Transmission", "Request types").
 *
 * <p>Each valid request goes to the {@link BlockDevice} at once; its reply is written on the event loop when the
 * device's future completes, so replies leave in completion order, not request order (which the spec allows).
 * Invalid requests are answered without touching the device. The event loop never waits: back-pressure comes
 * from the {@link ReadGate}, closed while {@code maxInFlight} requests are pending or the channel is not writable
 * (and by the decoder's {@link Admission} while the next request's bytes do not fit in the connection's budget).
 * What the decoder reserved for a request ({@link NbdRequestDecoder#reservation}) is released here: a WRITE's once
 * the device is done with its payload, a READ's once its reply has been written to the socket.
 *
 * <p>NBD_CMD_DISC stops reading, lets the pending requests finish and be answered, then closes. The device is
 * closed once the channel is closed and nothing is pending on it any more.
 *
 * <p>Buffer ownership: a WRITE's payload is released after the device's future completes; a READ's buffer is
 * handed to the reply and released by the transport after it is written (or on failure).
 */
final class NbdTransmissionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(NbdTransmissionHandler.class);

    private final NbdSession session;
    private final BlockDevice device;
    private final NbdRequestValidator validator;
    private final NbdReplies replies;
    private final int maxInFlight;
    private final int maxDescriptors;
    private final Admission admission;
    private ReadGate gate;
    /** Requests given to the device and not completed; atomic only for the shutdown path below. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean deviceClosed = new AtomicBoolean();
    private boolean disconnecting;
    private boolean inactive;

    NbdTransmissionHandler(NbdSession session, int maxInFlight) {
        this(session, maxInFlight, Admission.UNLIMITED);
    }

    /** @param admission where the request decoder reserved each request's bytes, released here */
    NbdTransmissionHandler(NbdSession session, int maxInFlight, Admission admission) {
        this.session = session;
        this.admission = admission;
        this.device = session.device();
        this.validator = new NbdRequestValidator(session);
        this.replies = new NbdReplies(session.structuredReplies());
        this.maxInFlight = maxInFlight;
        // a chunk's variable part must not exceed the maximum payload; each descriptor takes 8 bytes
        this.maxDescriptors = Math.min(NbdProtocol.MAX_BLOCK_STATUS_DESCRIPTORS, (session.maxPayload() - 4) / 8);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        gate = ReadGate.of(ctx.pipeline());
        ConnectionWatchdog watchdog = ctx.pipeline().get(ConnectionWatchdog.class);
        if (watchdog != null) {
            watchdog.busyWhile(() -> inFlight.get() > 0);
        }
        if (!ctx.channel().isActive()) {
            // closed while the handshake was switching over: channelInactive will not come
            inactive = true;
            maybeCloseDevice();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof NbdRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (disconnecting) {
            ReferenceCountUtil.release(msg); // the client must not send anything after NBD_CMD_DISC
            return;
        }
        if (request instanceof NbdRequest.Disconnect) {
            onDisconnect(ctx);
            return;
        }
        Optional<NbdRequestValidator.Rejection> rejection = validator.check(request);
        if (rejection.isPresent()) {
            ReferenceCountUtil.release(request);
            admission.release(reservation(request));
            LOG.debug("{} rejecting {}: {}", ctx.channel(), request, rejection.get().message());
            write(ctx, replies.error(request.cookie(), rejection.get().error(), rejection.get().message()));
            return;
        }
        dispatch(ctx, request);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        LOG.debug("{} closed with {} requests in flight", ctx.channel(), inFlight.get());
        maybeCloseDevice();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NbdErrors.logConnectionFailure(LOG, ctx, "transmission", cause);
        ctx.close();
    }

    private void dispatch(ChannelHandlerContext ctx, NbdRequest request) {
        inFlight.incrementAndGet();
        updateReading(ctx);
        CompletableFuture<List<NbdReply>> future;
        try {
            future = request instanceof NbdRequest.BlockStatus status ? blockStatus(status)
                    : execute(request).thenApply(List::of);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e); // a device that throws instead of failing its future
        }
        EventExecutor loop = ctx.executor();
        future.whenComplete((chunks, error) -> {
            if (loop.inEventLoop()) {
                complete(ctx, request, chunks, error);
                return;
            }
            try {
                loop.execute(() -> complete(ctx, request, chunks, error));
            } catch (RejectedExecutionException e) {
                // the event loop has terminated (server shut down), so the connection is gone: free the buffers
                // and close the device after the last straggler
                release(chunks);
                ReferenceCountUtil.release(request);
                if (inFlight.decrementAndGet() == 0) {
                    closeDevice();
                }
            }
        });
    }

    private CompletableFuture<NbdReply> execute(NbdRequest request) {
        long cookie = request.cookie();
        boolean fua = request.has(NbdCommandFlag.FUA);
        if (request instanceof NbdRequest.Read read) {
            return read(read);
        } else if (request instanceof NbdRequest.Write write) {
            if (write.length() == 0) {
                return CompletableFuture.completedFuture(replies.ok(cookie));
            }
            return device.write(write.offset(), write.content(), fua).thenApply(v -> replies.ok(cookie));
        } else if (request instanceof NbdRequest.Flush) {
            return device.flush().thenApply(v -> replies.ok(cookie));
        } else if (request instanceof NbdRequest.Trim trim) {
            if (trim.length() == 0) {
                return CompletableFuture.completedFuture(replies.ok(cookie));
            }
            return device.trim(trim.offset(), trim.length(), fua).thenApply(v -> replies.ok(cookie));
        } else if (request instanceof NbdRequest.WriteZeroes zeroes) {
            if (zeroes.length() == 0) {
                return CompletableFuture.completedFuture(replies.ok(cookie));
            }
            return device.writeZeroes(zeroes.offset(), zeroes.length(), zeroes.has(NbdCommandFlag.NO_HOLE), fua)
                    .thenApply(v -> replies.ok(cookie));
        } else if (request instanceof NbdRequest.Cache) {
            // a hint with no required effect; the device has no cache to warm
            return CompletableFuture.completedFuture(replies.ok(cookie));
        }
        throw new IllegalStateException("request passed validation but has no handler: " + request);
    }

    /**
     * One BLOCK_STATUS chunk per selected context, in the order of the session's contexts, the last flagged DONE;
     * sent only when every context has answered, so a failure in any is one error chunk and nothing else.
     */
    private CompletableFuture<List<NbdReply>> blockStatus(NbdRequest.BlockStatus status) {
        long bytesToEnd = device.size() - status.offset();
        boolean reqOne = status.has(NbdCommandFlag.REQ_ONE);
        List<NbdSession.MetaContext> contexts = session.metaContexts();
        List<CompletableFuture<NbdReply>> chunks = new ArrayList<>(contexts.size());
        for (int i = 0; i < contexts.size(); i++) {
            NbdSession.MetaContext context = contexts.get(i);
            boolean last = i == contexts.size() - 1;
            CompletableFuture<List<Extent>> extents = context.isBaseAllocation()
                    ? device.blockStatus(status.offset(), status.length())
                    : device.blockStatus(context.name(), status.offset(), status.length());
            chunks.add(extents.thenApply(e -> replies.blockStatus(status.cookie(), context.id(),
                    NbdBlockStatusMapper.map(e, status.length(), bytesToEnd, reqOne, maxDescriptors), last)));
        }
        return CompletableFuture.allOf(chunks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> chunks.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<NbdReply> read(NbdRequest.Read read) {
        if (read.length() == 0) {
            return CompletableFuture.completedFuture(replies.emptyRead(read.cookie()));
        }
        int length = (int) read.length(); // at most maxPayload, checked by the validator
        return device.read(read.offset(), length).thenApply(data -> {
            if (data.readableBytes() != length) {
                int got = data.readableBytes();
                data.release();
                throw new BlockDeviceException(NbdError.EIO, "device returned " + got + " bytes for a read of "
                        + length);
            }
            return replies.read(read.cookie(), read.offset(), data);
        });
    }

    private long reservation(NbdRequest request) {
        return NbdRequestDecoder.reservation(request, session.maxPayload());
    }

    private void complete(ChannelHandlerContext ctx, NbdRequest request, List<NbdReply> chunks, Throwable error) {
        inFlight.decrementAndGet();
        ReferenceCountUtil.release(request); // frees a WRITE's payload; the device is done with it
        List<NbdReply> answer = chunks;
        if (error != null) {
            Throwable cause = NbdErrors.unwrap(error);
            NbdError code = NbdErrors.errorOf(cause);
            if (cause instanceof BlockDeviceException) {
                LOG.debug("{} {} failed with {}: {}", ctx.channel(), request, code, cause.getMessage());
            } else {
                LOG.warn("{} {} failed unexpectedly; answering EIO", ctx.channel(), request, cause);
            }
            answer = List.of(replies.error(request.cookie(), code, String.valueOf(cause.getMessage())));
        }
        if (inactive) {
            release(answer);
            admission.release(reservation(request));
            maybeCloseDevice();
            return;
        }
        for (int i = 0; i < answer.size() - 1; i++) {
            ctx.write(answer.get(i)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        long reserved = reservation(request);
        ChannelFuture written = write(ctx, answer.get(answer.size() - 1));
        if (request instanceof NbdRequest.Read) {
            // the reply's data is in memory until the socket took it
            written.addListener(f -> admission.release(reserved));
        } else {
            admission.release(reserved);
        }
        if (disconnecting) {
            if (inFlight.get() == 0) {
                closeAfterReplies(ctx);
            }
        } else {
            updateReading(ctx);
        }
    }

    private static void release(List<NbdReply> chunks) {
        if (chunks != null) {
            chunks.forEach(ReferenceCountUtil::release);
        }
    }

    private static ChannelFuture write(ChannelHandlerContext ctx, NbdReply reply) {
        // a reply that cannot be encoded would leave the client waiting forever: give up on the connection
        return ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void onDisconnect(ChannelHandlerContext ctx) {
        LOG.debug("{} NBD_CMD_DISC with {} requests in flight", ctx.channel(), inFlight.get());
        disconnecting = true;
        gate.hold(ReadGate.Reason.CLOSING, true);
        if (inFlight.get() == 0) {
            closeAfterReplies(ctx);
        }
    }

    private static void closeAfterReplies(ChannelHandlerContext ctx) {
        // the empty write completes only after every reply queued before it has been written
        ByteBuf marker = Unpooled.EMPTY_BUFFER;
        ctx.writeAndFlush(marker).addListener(ChannelFutureListener.CLOSE);
    }

    private void updateReading(ChannelHandlerContext ctx) {
        if (disconnecting || inactive) {
            return;
        }
        gate.hold(ReadGate.Reason.REQUESTS, inFlight.get() >= maxInFlight);
        gate.hold(ReadGate.Reason.UNWRITABLE, !ctx.channel().isWritable());
    }

    private void maybeCloseDevice() {
        if (inactive && inFlight.get() == 0) {
            closeDevice();
        }
    }

    private void closeDevice() {
        if (deviceClosed.compareAndSet(false, true)) {
            LOG.debug("closing device of export '{}'", session.exportName());
            NbdErrors.closeQuietly(device, LOG);
        }
    }
}
