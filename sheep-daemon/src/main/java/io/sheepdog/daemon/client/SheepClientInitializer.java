package io.sheepdog.daemon.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.sheepdog.daemon.proto.SheepEncoder;
import io.sheepdog.daemon.proto.SheepResponseDecoder;

/** Builds a client connection's pipeline, every stage named: {@value #DECODER}, {@value #ENCODER}, {@value #HANDLER}. */
final class SheepClientInitializer extends ChannelInitializer<Channel> {

    static final String DECODER = "responseDecoder";
    static final String ENCODER = "frameEncoder";
    static final String HANDLER = "responseHandler";

    private final int maxFrameSize;
    private final SheepClientHandler handler;

    SheepClientInitializer(int maxFrameSize, SheepClientHandler handler) {
        this.maxFrameSize = maxFrameSize;
        this.handler = handler;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast(DECODER, new SheepResponseDecoder(maxFrameSize));
        p.addLast(ENCODER, new SheepEncoder(maxFrameSize));
        p.addLast(HANDLER, handler);
    }
}
