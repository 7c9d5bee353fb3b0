package io.sheepdog.nbd.server;

import io.netty.channel.ChannelHandlerContext;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.NbdClient;
import io.sheepdog.nbd.codec.NbdHandshakeDecoder;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.ReadGate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ExportProvider#attach} for the GO or EXPORT_NAME of one connection, and {@link ExportProvider#openAsync}
 * for its INFO, without blocking its event loop.
 *
 * <p>A lookup answered at once is handed on at once. Otherwise the handshake decoder is paused, the read gate closed
 * ({@link ReadGate.Reason#LOOKUP}) and the handshake clock stopped (the server's time is not the client's) until it
 * completes: what the client sends meanwhile may be options or, if the option succeeds, transmission
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
    void attach(ChannelHandlerContext ctx, String name, NbdClient client, Outcome outcome) {
        run(ctx, name, () -> exports.attach(name, client), outcome);
    }

    /** Opens export {@code name} to describe it (NBD_OPT_INFO); called on the event loop. */
    void open(ChannelHandlerContext ctx, String name, NbdClient client, Outcome outcome) {
        run(ctx, name, () -> exports.openAsync(name, client), outcome);
    }

    private void run(ChannelHandlerContext ctx, String name, Supplier<CompletableFuture<Optional<BlockDevice>>> lookup,
                     Outcome outcome) {
        CompletableFuture<Optional<BlockDevice>> attached;
        try {
            attached = lookup.get();
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
        hold(ctx, true);
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
        hold(ctx, false);
        outcome.accept(result, failure);
        if (!ctx.isRemoved() && ctx.channel().isActive()) {
            decoder(ctx).resume(); // still negotiating: answer the options sent meanwhile
        }
    }

    private static void hold(ChannelHandlerContext ctx, boolean held) {
        ReadGate.of(ctx.pipeline()).hold(ReadGate.Reason.LOOKUP, held);
        ConnectionWatchdog watchdog = ctx.pipeline().get(ConnectionWatchdog.class);
        if (watchdog != null) {
            watchdog.pauseClock(held);
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
