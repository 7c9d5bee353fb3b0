package io.sheepdog.daemon.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.security.Identity;
import io.sheepdog.daemon.security.OpcodeAccess;
import io.sheepdog.daemon.security.Permission;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through only if the connection's {@link Identity} (its TLS client certificate) has the
 * {@link Permission} the operation needs ({@link OpcodeAccess}); answers any other NOT_AUTHORIZED with what was
 * missing, and keeps the connection. A plaintext connection to a sheep with keys has no identity: its first request
 * is answered NOT_AUTHORIZED with how to connect, and the connection is closed. Only in the pipeline of a sheep
 * started with keys.
 */
final class SheepAuthorizer extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SheepAuthorizer.class);
    static final String NEEDS_TLS = "this sheep takes only TLS connections with a key of its cluster: give collie "
            + "--key DIR (or SHEEPDOG_KEY=DIR), a key made by 'collie key create' (docs/operations.md, \"Keys\")";

    private Identity identity;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                identity = identityOf(ctx);
                ConnectionWatchdog watchdog = ctx.pipeline().get(ConnectionWatchdog.class);
                if (watchdog != null) {
                    watchdog.established();
                }
            } else {
                SheepServerHandler.HOSTILE.warn("TLS handshake with sheep client {} failed, closing: {}",
                        ctx.channel().remoteAddress(), done.cause().getMessage());
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static Identity identityOf(ChannelHandlerContext ctx) throws SSLPeerUnverifiedException {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        return Identity.of((X509Certificate) tls.engine().getSession().getPeerCertificates()[0]);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SheepRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (identity == null) {
            ReferenceCountUtil.release(request);
            LOG.debug("refused a plaintext {} from {}", request.opcode(), ctx.channel().remoteAddress());
            ctx.writeAndFlush(refusal(ctx, request, NEEDS_TLS)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        Permission needed = OpcodeAccess.required(request.opcode());
        if (identity.allows(needed)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ReferenceCountUtil.release(request);
        ctx.writeAndFlush(refusal(ctx, request, identity.describe() + " may not " + request.opcode()
                + ": it needs the " + needed.name().toLowerCase(java.util.Locale.ROOT) + " permission"));
    }

    private static SheepResponse refusal(ChannelHandlerContext ctx, SheepRequest request, String why) {
        return SheepResponse.error(request.opcodeCode(), request.requestId(), ResultCode.NOT_AUTHORIZED, why,
                ctx.alloc());
    }
}
