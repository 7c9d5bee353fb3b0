package io.sheepdog.daemon.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.sheepdog.daemon.proto.SheepEncoder;
import io.sheepdog.daemon.proto.SheepResponseDecoder;
import java.util.Optional;

/**
 * Builds a client connection's pipeline, every stage named: {@value #TLS} (only with a TLS context), {@value #DECODER},
 * {@value #ENCODER}, {@value #HANDLER}.
 */
final class SheepClientInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
    static final String DECODER = "responseDecoder";
    static final String ENCODER = "frameEncoder";
    static final String HANDLER = "responseHandler";

    private final int maxFrameSize;
    private final SheepClientHandler handler;
    private final Optional<SslContext> tls;
    private final String host;
    private final int port;

    SheepClientInitializer(int maxFrameSize, SheepClientHandler handler, Optional<SslContext> tls, String host,
                           int port) {
        this.maxFrameSize = maxFrameSize;
        this.handler = handler;
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        tls.ifPresent(context -> p.addLast(TLS, context.newHandler(ch.alloc(), host, port)));
        p.addLast(DECODER, new SheepResponseDecoder(maxFrameSize));
        p.addLast(ENCODER, new SheepEncoder(maxFrameSize));
        p.addLast(HANDLER, handler);
    }
}
