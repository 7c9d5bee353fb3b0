package io.sheepdog.nbd.server;

import io.netty.channel.ChannelHandlerContext;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.codec.NbdOptionReplyType;
import io.sheepdog.nbd.codec.NbdProtocolException;
import io.sheepdog.nbd.limit.RateLimitedLog;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mapping failures to what goes on the wire and into the log. */
final class NbdErrors {

    /** Error messages are cut to this many chars so their UTF-8 form stays within the 4096-byte string limit. */
    private static final int MAX_MESSAGE_CHARS = 1000;
    /** Refusals, timeouts and protocol violations: what a hostile client causes, logged at a bounded rate. */
    static final RateLimitedLog HOSTILE = new RateLimitedLog(LoggerFactory.getLogger(NbdServer.class));

    private NbdErrors() {
    }

    /** The cause of a future's failure, without the wrappers CompletableFuture adds. */
    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The NBD error for a device failure: the one a {@link BlockDeviceException} carries, EIO for anything else. */
    static NbdError errorOf(Throwable cause) {
        return cause instanceof BlockDeviceException bde ? bde.error() : NbdError.EIO;
    }

    /** The option reply for a device that could not be opened. */
    static NbdOptionReplyType optionReplyFor(NbdError error) {
        switch (error) {
            case ESHUTDOWN:
                return NbdOptionReplyType.ERR_SHUTDOWN;
            case EPERM:
                return NbdOptionReplyType.ERR_POLICY;
            default:
                return NbdOptionReplyType.ERR_UNKNOWN;
        }
    }

    /** {@code message} cut to a length the protocol's strings allow. */
    static String truncate(String message) {
        if (message == null) {
            return "";
        }
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS);
    }

    /** Closes a device, logging rather than propagating a failure. */
    static void closeQuietly(BlockDevice device, Logger log) {
        try {
            device.close();
        } catch (RuntimeException e) {
            log.warn("closing block device {} failed", device, e);
        }
    }

    /** Logs why a connection is being closed: peers going away at debug, protocol violations and bugs louder. */
    static void logConnectionFailure(Logger log, ChannelHandlerContext ctx, String phase, Throwable cause) {
        if (cause instanceof NbdProtocolException) {
            HOSTILE.warn("{} protocol violation in {} phase: {}; closing", ctx.channel(), phase, cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("{} I/O error in {} phase: {}; closing", ctx.channel(), phase, cause.toString());
        } else {
            log.warn("{} unexpected failure in {} phase; closing", ctx.channel(), phase, cause);
        }
    }
}
