package io.sheepdog.daemon.server;

import com.google.common.base.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.sheepdog.daemon.proto.SheepEncoder;
import io.sheepdog.daemon.proto.SheepRequestDecoder;
import io.sheepdog.nbd.limit.ByteBudget;
import io.sheepdog.nbd.limit.ConnectionBudget;
import io.sheepdog.nbd.limit.ConnectionLimit;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.ReadGate;
import io.sheepdog.nbd.limit.ServerLimits;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the pipeline of an accepted connection, every stage named: {@value ReadGate#NAME}, with keys {@value #TLS}
 * (TLS, or plaintext that is only told to use TLS), then {@value #FLUSH} (batches the flushes of many small
 * responses), {@value ConnectionWatchdog#NAME}, {@value #DECODER}, {@value #ENCODER}, with keys {@value #AUTHORIZER},
 * and {@value #HANDLER}.
 *
 * <p>Bounds ({@link SheepServerConfig#limits()}): a connection over the port's limit is closed at once; every
 * connection gets a share of the server's one {@link ByteBudget}, given back when it closes, and a
 * {@link ConnectionWatchdog} for its timeouts.
 */
final class SheepServerInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
    /** The TLS handshake timeout when the limits set none: qemu-nbd's default handshake limit. */
    static final Duration TLS_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final String AUTHORIZER = "authorizer";
    static final String FLUSH = "flushConsolidation";
    static final String DECODER = "requestDecoder";
    static final String ENCODER = "frameEncoder";
    static final String HANDLER = "requestHandler";

    private final SheepServerConfig config;
    private final SheepRequestAdapter adapter;
    private final SheepEncoder encoder;
    private final ChannelGroup channels;
    private final Optional<SslContext> tls;
    private final ByteBudget budget;
    private final ConnectionLimit limit;
    private final ServerLimits limits;

    SheepServerInitializer(SheepServerConfig config, SheepRequestAdapter adapter, ChannelGroup channels,
                           Optional<SslContext> tls) {
        this.tls = tls;
        this.config = config;
        this.adapter = adapter;
        this.encoder = new SheepEncoder(config.maxFrameSize());
        this.channels = channels;
        this.budget = new ByteBudget(config.limits().maxBytesInFlight());
        this.limit = new ConnectionLimit(config.limits().maxConnections());
        // With TLS a connection must prove who it is in time: one that never does holds a connection slot.
        this.limits = tls.isPresent() && config.limits().handshakeTimeout().isZero()
                ? config.limits().withHandshakeTimeout(TLS_HANDSHAKE_TIMEOUT) : config.limits();
    }

    /** The bytes in flight of every connection together (for tests and metrics). */
    ByteBudget budget() {
        return budget;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!limit.admit(ch)) {
            SheepServerHandler.HOSTILE.warn("sheep client {} refused: {} connections are open, the limit",
                    ch.remoteAddress(), limit.max());
            return;
        }
        channels.add(ch);
        ReadGate gate = new ReadGate();
        ConnectionBudget share = new ConnectionBudget(budget, config.limits().maxBytesPerConnection(), ch, gate,
                Ticker.systemTicker());
        ch.closeFuture().addListener(f -> share.close());
        ConnectionWatchdog watchdog = new ConnectionWatchdog(limits, share, gate, Ticker.systemTicker(),
                SheepServerHandler.HOSTILE, "sheep");
        if (tls.isEmpty()) {
            watchdog.established(); // the plaintext sheep protocol has no handshake; TLS's ends in SheepAuthorizer
        }
        ChannelPipeline p = ch.pipeline();
        p.addLast(ReadGate.NAME, gate);
        // OptionalSslHandler: a plaintext client still gets a decoded request and an answer saying what to do,
        // rather than a connection reset.
        tls.ifPresent(context -> p.addLast(TLS, new OptionalSslHandler(context)));
        p.addLast(FLUSH, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                true));
        p.addLast(ConnectionWatchdog.NAME, watchdog);
        p.addLast(DECODER, new SheepRequestDecoder(config.maxFrameSize(), share));
        p.addLast(ENCODER, encoder);
        if (tls.isPresent()) {
            p.addLast(AUTHORIZER, new SheepAuthorizer());
        }
        p.addLast(HANDLER, new SheepServerHandler(adapter, config.maxInFlightPerConnection(), config.maxFrameSize(),
                share));
    }
}
