package io.sheepdog.nbd.server;

import io.netty.channel.ChannelHandlerContext;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.NbdClient;
import io.sheepdog.nbd.codec.NbdHandshakeDecoder;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ExportProvider#attach} for the GO or EXPORT_NAME of one connection without blocking its event loop.
 *
 * <p>An attach answered at once is handed on at once. Otherwise the handshake decoder is paused and auto-read turned
 * off until it completes: what the client sends meanwhile may be options or, if the option succeeds, transmission
 * requests, and only the outcome tells which. The outcome is handed on on the event loop; afterwards, if the
 * handshake goes on, the decoder resumes with what it held back. A device that arrives after the connection
 * closed is closed here, since no handler will ever own it.
 */
final class NbdAttacher {

    /** What the handshake does with an attach's outcome; runs on the event loop while the connection is open. */
    @FunctionalInterface
    interface Outcome {
        /** Exactly one of {@code result} (empty: no such export) and {@code failure} is non-null. */
        void accept(Optional<BlockDevice> result, Throwable failure);
    }

    private static final Logger LOG = LoggerFactory.getLogger(NbdAttacher.class);

    private final ExportProvider exports;
    /** The export being attached, or null. */
    private String pending;

    NbdAttacher(ExportProvider exports) {
        this.exports = exports;
    }

    /** True while an attach has not completed; no option may be handled meanwhile. */
    boolean pending() {
        return pending != null;
    }

    /** Attaches export {@code name} for the connection of {@code ctx}; called on its event loop. */
    void attach(ChannelHandlerContext ctx, String name, Outcome outcome) {
        CompletableFuture<Optional<BlockDevice>> attached;
        try {
            attached = exports.attach(name, new NbdClient(ctx.channel().remoteAddress()));
        } catch (RuntimeException e) {
            attached = CompletableFuture.failedFuture(e); // a provider that throws instead of failing its future
        }
        if (attached.isDone()) {
            // still inside the read that brought the option: the option handler may replace the decoder directly
            attached.whenComplete(outcome::accept);
            return;
        }
        decoder(ctx).pause();
        pending = name;
        ctx.channel().config().setAutoRead(false);
        LOG.debug("{} waiting for export '{}' to be attached", ctx.channel(), name);
        attached.whenComplete((result, failure) -> completeLater(ctx, result, failure, outcome));
    }

    private void completeLater(ChannelHandlerContext ctx, Optional<BlockDevice> result, Throwable failure,
                               Outcome outcome) {
        try {
            ctx.executor().execute(() -> complete(ctx, result, failure, outcome));
        } catch (RejectedExecutionException e) {
            // the event loop has terminated (server shut down), so the connection is gone
            close(result);
        }
    }

    private void complete(ChannelHandlerContext ctx, Optional<BlockDevice> result, Throwable failure,
                          Outcome outcome) {
        String name = pending;
        pending = null;
        if (!ctx.channel().isActive()) {
            // the client went away while we waited: give back what was attached, and the lock it may hold
            LOG.debug("{} closed while export '{}' was being attached", ctx.channel(), name);
            close(result);
            return;
        }
        ctx.channel().config().setAutoRead(true);
        outcome.accept(result, failure);
        if (!ctx.isRemoved() && ctx.channel().isActive()) {
            decoder(ctx).resume(); // still negotiating: answer the options sent meanwhile
        }
    }

    private static void close(Optional<BlockDevice> result) {
        if (result != null) {
            result.ifPresent(device -> NbdErrors.closeQuietly(device, LOG));
        }
    }

    private static NbdHandshakeDecoder decoder(ChannelHandlerContext ctx) {
        NbdHandshakeDecoder decoder = ctx.pipeline().get(NbdHandshakeDecoder.class);
        if (decoder == null) {
            throw new IllegalStateException("no " + NbdServerInitializer.HANDSHAKE_DECODER + " in the pipeline");
        }
        return decoder;
    }
}
