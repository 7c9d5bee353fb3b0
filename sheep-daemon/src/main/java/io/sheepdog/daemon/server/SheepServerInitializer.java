package io.sheepdog.daemon.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.sheepdog.daemon.proto.SheepEncoder;
import io.sheepdog.daemon.proto.SheepRequestDecoder;

/**
 * Builds the pipeline of an accepted connection, every stage named:
 * {@value #FLUSH} (batches the flushes of many small responses), {@value #DECODER}, {@value #ENCODER},
 * {@value #HANDLER}.
 */
final class SheepServerInitializer extends ChannelInitializer<Channel> {

    static final String FLUSH = "flushConsolidation";
    static final String DECODER = "requestDecoder";
    static final String ENCODER = "frameEncoder";
    static final String HANDLER = "requestHandler";

    private final SheepServerConfig config;
    private final SheepRequestAdapter adapter;
    private final SheepEncoder encoder;
    private final ChannelGroup channels;

    SheepServerInitializer(SheepServerConfig config, SheepRequestAdapter adapter, ChannelGroup channels) {
        this.config = config;
        this.adapter = adapter;
        this.encoder = new SheepEncoder(config.maxFrameSize());
        this.channels = channels;
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(FLUSH, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                true));
        p.addLast(DECODER, new SheepRequestDecoder(config.maxFrameSize()));
        p.addLast(ENCODER, encoder);
        p.addLast(HANDLER, new SheepServerHandler(adapter, config.maxInFlightPerConnection()));
    }
}
