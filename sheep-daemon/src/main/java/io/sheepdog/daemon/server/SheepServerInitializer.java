package io.sheepdog.daemon.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.sheepdog.daemon.proto.SheepEncoder;
import io.sheepdog.daemon.proto.SheepRequestDecoder;
import java.util.Optional;

/**
 * Builds the pipeline of an accepted connection, every stage named: with keys {@value #TLS} (TLS, or plaintext
 * that is only told to use TLS), then {@value #FLUSH} (batches the flushes of many small responses),
 * {@value #DECODER}, {@value #ENCODER}, with keys {@value #AUTHORIZER}, and {@value #HANDLER}.
 */
final class SheepServerInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
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

    SheepServerInitializer(SheepServerConfig config, SheepRequestAdapter adapter, ChannelGroup channels,
                           Optional<SslContext> tls) {
        this.tls = tls;
        this.config = config;
        this.adapter = adapter;
        this.encoder = new SheepEncoder(config.maxFrameSize());
        this.channels = channels;
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        // OptionalSslHandler: a plaintext client still gets a decoded request and an answer saying what to do,
        // rather than a connection reset.
        tls.ifPresent(context -> p.addLast(TLS, new OptionalSslHandler(context)));
        p.addLast(FLUSH, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                true));
        p.addLast(DECODER, new SheepRequestDecoder(config.maxFrameSize()));
        p.addLast(ENCODER, encoder);
        if (tls.isPresent()) {
            p.addLast(AUTHORIZER, new SheepAuthorizer());
        }
        p.addLast(HANDLER, new SheepServerHandler(adapter, config.maxInFlightPerConnection()));
    }
}
