package io.sheepdog.nbd.server;

import com.google.common.base.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.codec.NbdHandshakeDecoder;
import io.sheepdog.nbd.codec.NbdHandshakeEncoder;
import io.sheepdog.nbd.limit.ByteBudget;
import io.sheepdog.nbd.limit.ConnectionBudget;
import io.sheepdog.nbd.limit.ConnectionLimit;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.ReadGate;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the handshake-phase pipeline of a new connection:
 * {@value ReadGate#NAME}, {@value #FLUSH_CONSOLIDATION}, {@value ConnectionWatchdog#NAME}, {@value #HANDSHAKE_DECODER},
 * {@value #HANDSHAKE_ENCODER}, {@value #HANDSHAKE_HANDLER}. The handshake handler later swaps the last three for
 * {@value #REQUEST_DECODER}, {@value #REPLY_ENCODER} and {@value #TRANSMISSION_HANDLER}.
 *
 * <p>Bounds ({@link NbdServerConfig#limits()}): a connection over the port's limit is closed before anything is sent
 * on it; every connection gets a share of the server's one {@link ByteBudget}, given back when it closes, and a
 * {@link ConnectionWatchdog} for its timeouts.
 */
public final class NbdServerInitializer extends ChannelInitializer<Channel> {

    /** Batches the flushes of replies completed close together into fewer syscalls. */
    public static final String FLUSH_CONSOLIDATION = "flushConsolidation";
    /** Added after {@value ReadGate#NAME} when the client negotiates NBD_OPT_STARTTLS. */
    public static final String TLS = "tls";
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
    private final ByteBudget budget;
    private final ConnectionLimit limit;
    private final Ticker ticker;

    /**
     * @param config      the server configuration
     * @param exports     where export names are resolved
     * @param connections every accepted channel is added here (so the server can close them), or null
     */
    public NbdServerInitializer(NbdServerConfig config, ExportProvider exports, ChannelGroup connections) {
        this(config, exports, connections, Ticker.systemTicker());
    }

    /** With the clock of every connection's timeouts. */
    NbdServerInitializer(NbdServerConfig config, ExportProvider exports, ChannelGroup connections, Ticker ticker) {
        this.config = Objects.requireNonNull(config, "config");
        this.exports = Objects.requireNonNull(exports, "exports");
        this.connections = connections;
        this.budget = new ByteBudget(config.limits().maxBytesInFlight());
        this.limit = new ConnectionLimit(config.limits().maxConnections());
        this.ticker = ticker;
    }

    /** The bytes in flight of every connection together (for tests and metrics). */
    ByteBudget budget() {
        return budget;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!limit.admit(ch)) {
            NbdErrors.HOSTILE.warn("NBD client {} refused: {} connections are open, the limit", ch.remoteAddress(),
                    limit.max());
            return;
        }
        if (connections != null) {
            connections.add(ch);
        }
        LOG.info("NBD client {} connected", ch.remoteAddress());
        ch.closeFuture().addListener(f -> LOG.info("NBD client {} disconnected", ch.remoteAddress()));
        ReadGate gate = new ReadGate();
        ConnectionBudget share = new ConnectionBudget(budget, config.limits().maxBytesPerConnection(), ch, gate,
                ticker);
        ch.closeFuture().addListener(f -> share.close());
        ch.pipeline()
                .addLast(ReadGate.NAME, gate)
                .addLast(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast(ConnectionWatchdog.NAME, new ConnectionWatchdog(config.limits(), share, gate, ticker,
                        NbdErrors.HOSTILE, "NBD"))
                .addLast(HANDSHAKE_DECODER, new NbdHandshakeDecoder())
                .addLast(HANDSHAKE_ENCODER, new NbdHandshakeEncoder())
                .addLast(HANDSHAKE_HANDLER, new NbdHandshakeHandler(config, exports, share));
    }
}
