package io.sheepdog.nbd.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.NbdClient;
import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.codec.NbdClientFlag;
import io.sheepdog.nbd.codec.NbdClientFlags;
import io.sheepdog.nbd.codec.NbdExportNameReply;
import io.sheepdog.nbd.codec.NbdHandshakeFlag;
import io.sheepdog.nbd.codec.NbdOption;
import io.sheepdog.nbd.codec.NbdOptionReply;
import io.sheepdog.nbd.codec.NbdOptionReplyType;
import io.sheepdog.nbd.codec.NbdOptionRequest;
import io.sheepdog.nbd.codec.NbdReplyEncoder;
import io.sheepdog.nbd.codec.NbdRequestDecoder;
import io.sheepdog.nbd.codec.NbdServerGreeting;
import io.sheepdog.nbd.limit.Admission;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.ReadGate;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the fixed newstyle handshake of one connection (proto.md "Fixed newstyle negotiation", "Option types").
 * Sends the greeting when the channel becomes active, answers options, and when NBD_OPT_EXPORT_NAME or
 * NBD_OPT_GO succeeds replaces the handshake stages with the transmission stages.
 *
 * <p>Those two options get their device from {@link ExportProvider#attach}, which may take a while (a lock);
 * {@link NbdAttacher} holds the client's later bytes back until it answers, so no option is answered out of turn.
 * A failure with EPERM refuses GO by policy (NBD_REP_ERR_POLICY with the provider's message); other failures are
 * answered as those of {@link ExportProvider#openAsync}, which NBD_OPT_INFO uses (the attacher waits for it the same
 * way). Entering transmission ends the handshake timeout ({@link ConnectionWatchdog#established}) and hands the
 * connection's {@link Admission} to the request decoder and the transmission handler.
 *
 * <p>Supported: EXPORT_NAME, ABORT, LIST, INFO, GO (NBD_INFO_EXPORT, NAME, DESCRIPTION, BLOCK_SIZE),
 * STRUCTURED_REPLY, LIST_META_CONTEXT and SET_META_CONTEXT (base:allocation and the provider's
 * {@link io.sheepdog.nbd.MetaContextSource contexts}), and STARTTLS as {@link NbdServerConfig#tls()} says: refused
 * by policy when off; when allowed or required, acknowledged in plaintext and then the connection is TLS (an
 * {@link SslHandler} in start-TLS mode goes in before the ACK is written). With TLS required, every option before it
 * but ABORT gets NBD_REP_ERR_TLS_REQD. An option received between STARTTLS and the end of the TLS handshake was
 * sent in plaintext after the client asked for TLS (an injection): the connection is closed. Every other option
 * gets NBD_REP_ERR_UNSUP. The client's certificate, once TLS is up, is part of the {@link NbdClient} the provider
 * sees.
 */
final class NbdHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(NbdHandshakeHandler.class);
    private static final int HANDSHAKE_FLAGS = NbdHandshakeFlag.FIXED_NEWSTYLE.mask() | NbdHandshakeFlag.NO_ZEROES.mask();

    private final NbdServerConfig config;
    private final ExportProvider exports;
    private final NbdMetaContexts metaContexts;
    private final NbdAttacher attacher;
    private final Admission admission;
    private boolean noZeroes;
    private boolean structuredReplies;
    private NbdClient client;
    /** STARTTLS acknowledged, TLS handshake not finished: nothing may be decoded meanwhile. */
    private boolean tlsStarting;
    private boolean tls;

    NbdHandshakeHandler(NbdServerConfig config, ExportProvider exports, Admission admission) {
        this.config = config;
        this.admission = admission;
        this.exports = exports;
        this.metaContexts = new NbdMetaContexts(exports.metaContexts());
        this.attacher = new NbdAttacher(exports);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = new NbdClient(ctx.channel().remoteAddress());
        LOG.debug("{} handshake: sending greeting", ctx.channel());
        ctx.writeAndFlush(new NbdServerGreeting(HANDSHAKE_FLAGS));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof NbdClientFlags flags) {
            onClientFlags(ctx, flags);
        } else if (msg instanceof NbdOptionRequest option) {
            onOption(ctx, option);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && tlsStarting) {
            tlsStarting = false;
            if (!done.isSuccess()) {
                NbdErrors.HOSTILE.warn("{} TLS handshake failed, closing: {}", ctx.channel(),
                        done.cause().getMessage());
                ctx.close();
                return;
            }
            tls = true;
            try {
                Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate cert) {
                    client = client.withCertificate(cert);
                }
            } catch (SSLPeerUnverifiedException e) {
                LOG.debug("{} TLS without a client certificate", ctx.channel());
            }
            LOG.debug("{} TLS established with {}", ctx.channel(), client.certificate()
                    .map(c -> c.getSubjectX500Principal().getName()).orElse("no client certificate"));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        NbdErrors.logConnectionFailure(LOG, ctx, "handshake", cause);
        ctx.close();
    }

    private void onClientFlags(ChannelHandlerContext ctx, NbdClientFlags flags) {
        if (flags.unknownBits() != 0) {
            // proto.md "Client flags": the server MUST drop the connection
            LOG.debug("{} unknown client flags 0x{}; closing", ctx.channel(), Integer.toHexString(flags.flags()));
            ctx.close();
            return;
        }
        noZeroes = flags.has(NbdClientFlag.C_NO_ZEROES);
        LOG.debug("{} client flags 0x{}", ctx.channel(), Integer.toHexString(flags.flags()));
    }

    private void onOption(ChannelHandlerContext ctx, NbdOptionRequest option) {
        LOG.debug("{} option {}", ctx.channel(), option);
        if (attacher.pending()) {
            // the decoder is paused while an attach is pending, so this is a bug here, not a client's mistake
            throw new IllegalStateException("option " + option + " decoded while an export is being attached");
        }
        if (tlsStarting) {
            NbdErrors.HOSTILE.warn("{} sent option {} in plaintext after NBD_OPT_STARTTLS; closing", ctx.channel(),
                    Integer.toUnsignedString(option.code()));
            ReferenceCountUtil.release(option);
            ctx.close();
            return;
        }
        if (config.tls().mode() == NbdTls.Mode.REQUIRE && !tls && !allowedBeforeTls(option)) {
            ReferenceCountUtil.release(option);
            if (option.code() == NbdOption.EXPORT_NAME.code()) {
                NbdErrors.HOSTILE.warn("{} NBD_OPT_EXPORT_NAME without TLS, which this server requires; closing",
                        ctx.channel());
                ctx.close();
            } else {
                error(ctx, option.code(), NbdOptionReplyType.ERR_TLS_REQD, "this server requires TLS: "
                        + "negotiate NBD_OPT_STARTTLS first (qemu: tls-creds, libnbd: nbds://)");
            }
            return;
        }
        if (option instanceof NbdOptionRequest.ExportName exportName) {
            attach(ctx, exportName, exportName.name());
        } else if (option instanceof NbdOptionRequest.Info info) {
            if (info.option() == NbdOption.GO) {
                attach(ctx, info, info.name());
            } else {
                info(ctx, info);
            }
        } else if (option instanceof NbdOptionRequest.MetaContext meta) {
            metaContexts.answer(meta, structuredReplies).forEach(ctx::write);
            ctx.flush();
        } else if (option instanceof NbdOptionRequest.Malformed malformed) {
            if (malformed.code() == NbdOption.EXPORT_NAME.code()) {
                ctx.close(); // EXPORT_NAME cannot be answered with an error
            } else {
                error(ctx, malformed.code(), NbdOptionReplyType.ERR_INVALID, malformed.reason());
            }
        } else {
            bare(ctx, (NbdOptionRequest.Bare) option);
        }
    }

    private void bare(ChannelHandlerContext ctx, NbdOptionRequest.Bare option) {
        int code = option.code();
        NbdOption known = NbdOption.lookup(code).orElse(null);
        if (known == NbdOption.ABORT) {
            ctx.writeAndFlush(new NbdOptionReply.Ack(code)).addListener(ChannelFutureListener.CLOSE);
        } else if (known == NbdOption.LIST) {
            if (option.dataLength() != 0) {
                error(ctx, code, NbdOptionReplyType.ERR_INVALID, "NBD_OPT_LIST takes no data");
                return;
            }
            for (ExportProvider.ExportDescription export : exports.list(client)) {
                String description = export.description() == null ? "" : export.description();
                ctx.write(new NbdOptionReply.Server(code, export.name(), description));
            }
            ctx.writeAndFlush(new NbdOptionReply.Ack(code));
        } else if (known == NbdOption.STARTTLS) {
            startTls(ctx, option);
        } else if (known == NbdOption.STRUCTURED_REPLY) {
            if (option.dataLength() != 0) {
                error(ctx, code, NbdOptionReplyType.ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
                return;
            }
            structuredReplies = true;
            ctx.writeAndFlush(new NbdOptionReply.Ack(code));
        } else {
            error(ctx, code, NbdOptionReplyType.ERR_UNSUP, "unsupported option " + Integer.toUnsignedString(code));
        }
    }

    /** ABORT and STARTTLS itself are all a client may send before TLS when the server requires it. */
    private static boolean allowedBeforeTls(NbdOptionRequest option) {
        return option.code() == NbdOption.ABORT.code() || option.code() == NbdOption.STARTTLS.code();
    }

    /**
     * NBD_OPT_STARTTLS: the SslHandler goes in first, in start-TLS mode (it lets exactly the ACK out in plaintext),
     * then the ACK; the client's next bytes are its TLS ClientHello.
     */
    private void startTls(ChannelHandlerContext ctx, NbdOptionRequest.Bare option) {
        int code = option.code();
        if (config.tls().context().isEmpty()) {
            error(ctx, code, NbdOptionReplyType.ERR_POLICY, "TLS is not offered by this server");
        } else if (tls) {
            error(ctx, code, NbdOptionReplyType.ERR_INVALID, "TLS is negotiated already");
        } else if (option.dataLength() != 0) {
            error(ctx, code, NbdOptionReplyType.ERR_INVALID, "NBD_OPT_STARTTLS takes no data");
        } else {
            SslHandler handler = new SslHandler(config.tls().context().get().newEngine(ctx.alloc()), true);
            ctx.pipeline().addAfter(ReadGate.NAME, NbdServerInitializer.TLS, handler);
            tlsStarting = true;
            ctx.writeAndFlush(new NbdOptionReply.Ack(code));
        }
    }

    private void attach(ChannelHandlerContext ctx, NbdOptionRequest option, String name) {
        attacher.attach(ctx, name, client, (result, failure) -> onAttached(ctx, option, name, result, failure));
    }

    private void onAttached(ChannelHandlerContext ctx, NbdOptionRequest option, String name,
                            Optional<BlockDevice> result, Throwable failure) {
        try {
            if (failure != null) {
                attachFailed(ctx, option, name, NbdErrors.unwrap(failure));
            } else if (result.isEmpty()) {
                unknownExport(ctx, option, name);
            } else {
                enterTransmission(ctx, option, name, result.get());
            }
        } catch (RuntimeException e) {
            exceptionCaught(ctx, e);
        }
    }

    private void attachFailed(ChannelHandlerContext ctx, NbdOptionRequest option, String name, Throwable cause) {
        if (option instanceof NbdOptionRequest.Info go) {
            refuse(ctx, go.code(), name, cause);
            return;
        }
        // NBD_OPT_EXPORT_NAME has no error reply: the spec mandates terminating the session
        if (cause instanceof BlockDeviceException e && e.error() == NbdError.EPERM) {
            LOG.info("{} NBD_OPT_EXPORT_NAME for '{}' refused: {}; closing", ctx.channel(), name, e.getMessage());
        } else {
            LOG.warn("{} opening export '{}' failed; closing", ctx.channel(), name, cause);
        }
        ctx.close();
    }

    private void unknownExport(ChannelHandlerContext ctx, NbdOptionRequest option, String name) {
        if (option instanceof NbdOptionRequest.Info info) {
            error(ctx, info.code(), NbdOptionReplyType.ERR_UNKNOWN, "unknown export '" + name + "'");
            return;
        }
        // NBD_OPT_EXPORT_NAME has no error reply: the spec mandates terminating the session
        LOG.info("{} NBD_OPT_EXPORT_NAME for unknown export '{}'; closing", ctx.channel(), name);
        ctx.close();
    }

    /** Answers an INFO or GO whose export could not be opened. */
    private void refuse(ChannelHandlerContext ctx, int code, String name, Throwable cause) {
        if (cause instanceof BlockDeviceException e) {
            // EPERM is the provider's policy decision (say, another client holds the lock): its words are the answer
            String message = e.error() == NbdError.EPERM ? e.getMessage() : "cannot open export: " + e.getMessage();
            error(ctx, code, NbdErrors.optionReplyFor(e.error()), message);
        } else {
            LOG.warn("{} opening export '{}' failed", ctx.channel(), name, cause);
            error(ctx, code, NbdOptionReplyType.ERR_UNKNOWN, "cannot open export: " + cause);
        }
    }

    /** NBD_OPT_INFO: describes the export from a device opened (not attached) for the purpose, then closed. */
    private void info(ChannelHandlerContext ctx, NbdOptionRequest.Info info) {
        attacher.open(ctx, info.name(), client, (opened, failure) -> {
            try {
                described(ctx, info, opened, failure);
            } catch (RuntimeException e) {
                exceptionCaught(ctx, e);
            }
        });
    }

    private void described(ChannelHandlerContext ctx, NbdOptionRequest.Info info, Optional<BlockDevice> opened,
                           Throwable failure) {
        if (failure != null) {
            refuse(ctx, info.code(), info.name(), NbdErrors.unwrap(failure));
            return;
        }
        if (opened.isEmpty()) {
            unknownExport(ctx, info, info.name());
            return;
        }
        BlockDevice device = opened.get();
        try {
            describe(ctx, info, device, NbdExportFlags.of(device, structuredReplies));
        } finally {
            NbdErrors.closeQuietly(device, LOG);
        }
    }

    /** The NBD_REP_INFO replies and the ACK that answer INFO or GO. */
    private void describe(ChannelHandlerContext ctx, NbdOptionRequest.Info info, BlockDevice device, int flags) {
        NbdExportInfo.replies(info, device.size(), flags, config.maxPayload(), exports).forEach(ctx::write);
        ctx.writeAndFlush(new NbdOptionReply.Ack(info.code()));
    }

    private void error(ChannelHandlerContext ctx, int option, NbdOptionReplyType type, String message) {
        ctx.writeAndFlush(new NbdOptionReply.Error(option, type, NbdErrors.truncate(message)));
    }

    /**
     * Answers a GO or EXPORT_NAME whose device is attached and switches to transmission, whose handler then closes
     * the device when the connection ends.
     */
    private void enterTransmission(ChannelHandlerContext ctx, NbdOptionRequest option, String name,
                                   BlockDevice device) {
        ChannelPipeline pipeline = ctx.pipeline();
        try {
            int flags = NbdExportFlags.of(device, structuredReplies);
            if (option instanceof NbdOptionRequest.Info go) {
                describe(ctx, go, device, flags);
            } else {
                ctx.writeAndFlush(new NbdExportNameReply(device.size(), flags, noZeroes));
            }
            NbdSession session = new NbdSession(name, device, flags, structuredReplies,
                    structuredReplies ? metaContexts.selectedFor(name) : List.of(), config.maxPayload());
            LOG.debug("{} entering transmission: {}", ctx.channel(), session);
            // Order matters: the new handler must be in place before the old decoder is removed, because removing
            // it forwards any bytes it has buffered (requests sent right after the option) to the new decoder.
            pipeline.replace(this, NbdServerInitializer.TRANSMISSION_HANDLER,
                    new NbdTransmissionHandler(session, config.maxInFlightRequests(), admission));
        } catch (RuntimeException e) {
            // no transmission handler took the device over, so nothing else would close it (or release its lock)
            NbdErrors.closeQuietly(device, LOG);
            throw e;
        }
        pipeline.replace(NbdServerInitializer.HANDSHAKE_ENCODER, NbdServerInitializer.REPLY_ENCODER,
                new NbdReplyEncoder());
        ConnectionWatchdog watchdog = pipeline.get(ConnectionWatchdog.class);
        if (watchdog != null) {
            watchdog.established();
        }
        pipeline.replace(NbdServerInitializer.HANDSHAKE_DECODER, NbdServerInitializer.REQUEST_DECODER,
                new NbdRequestDecoder(config.maxPayload(), admission));
    }
}
