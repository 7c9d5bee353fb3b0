package io.sheepdog.nbd.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.codec.NbdHandshakeDecoder;
import io.sheepdog.nbd.codec.NbdHandshakeEncoder;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the handshake-phase pipeline of a new connection:
 * {@value #FLUSH_CONSOLIDATION}, {@value #HANDSHAKE_DECODER}, {@value #HANDSHAKE_ENCODER},
 * {@value #HANDSHAKE_HANDLER}. The handshake handler later swaps the last three for {@value #REQUEST_DECODER},
 * {@value #REPLY_ENCODER} and {@value #TRANSMISSION_HANDLER}.
 */
public final class NbdServerInitializer extends ChannelInitializer<Channel> {

    /** Batches the flushes of replies completed close together into fewer syscalls. */
    public static final String FLUSH_CONSOLIDATION = "flushConsolidation";
    public static final String HANDSHAKE_DECODER = "handshakeDecoder";
    public static final String HANDSHAKE_ENCODER = "handshakeEncoder";
    public static final String HANDSHAKE_HANDLER = "handshakeHandler";
    public static final String REQUEST_DECODER = "requestDecoder";
    public static final String REPLY_ENCODER = "replyEncoder";
    public static final String TRANSMISSION_HANDLER = "transmissionHandler";

    /** Flushes held back at most while a read burst is being processed. */
    private static final int EXPLICIT_FLUSH_AFTER_FLUSHES = 256;
    private static final Logger LOG = LoggerFactory.getLogger(NbdServerInitializer.class);

    private final NbdServerConfig config;
    private final ExportProvider exports;
    private final ChannelGroup connections;

    /**
     * @param config      the server configuration
     * @param exports     where export names are resolved
     * @param connections every accepted channel is added here (so the server can close them), or null
     */
    public NbdServerInitializer(NbdServerConfig config, ExportProvider exports, ChannelGroup connections) {
        this.config = Objects.requireNonNull(config, "config");
        this.exports = Objects.requireNonNull(exports, "exports");
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (connections != null) {
            connections.add(ch);
        }
        LOG.info("NBD client {} connected", ch.remoteAddress());
        ch.closeFuture().addListener(f -> LOG.info("NBD client {} disconnected", ch.remoteAddress()));
        ch.pipeline()
                .addLast(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast(HANDSHAKE_DECODER, new NbdHandshakeDecoder())
                .addLast(HANDSHAKE_ENCODER, new NbdHandshakeEncoder())
                .addLast(HANDSHAKE_HANDLER, new NbdHandshakeHandler(config, exports));
    }
}
