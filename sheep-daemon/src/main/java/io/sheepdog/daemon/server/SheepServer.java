package io.sheepdog.daemon.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.proto.SheepTransport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the sheep protocol on one TCP port for a daemon's {@link ClusterOps} and {@link VdiOps}, and for its peers'
 * replica operations ({@link PeerOps}) when given one.
 *
 * <p>Lifecycle: construct, {@link #start()} (binds and returns the port), {@link #close()} (closes every connection,
 * stops the workers and event loops; requests still running are answered to nobody). Native epoll is used when
 * available, NIO otherwise. Pipeline in {@link SheepServerInitializer}; dispatch in {@link SheepRequestAdapter}.
 */
public final class SheepServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SheepServer.class);

    private final SheepServerConfig config;
    private final ClusterOps cluster;
    private final VdiOps vdis;
    private final PeerOps peer;
    private final Optional<SslContext> tls;
    private final ChannelGroup channels = new DefaultChannelGroup("sheep-connections", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private ExecutorService controlExecutor;
    private Channel serverChannel;
    private boolean closed;

    /** A server without replicas: peer operations are answered NOT_SUPPORTED. */
    public SheepServer(SheepServerConfig config, ClusterOps cluster, VdiOps vdis) {
        this(config, cluster, vdis, null);
    }

    /**
     * A server that also serves its peers.
     *
     * @param peer the replicas of this node ({@code peer.LocalPeerOps}); null answers peer operations
     *             NOT_SUPPORTED
     */
    public SheepServer(SheepServerConfig config, ClusterOps cluster, VdiOps vdis, PeerOps peer) {
        this(config, cluster, vdis, peer, Optional.empty());
    }

    /**
     * A server of a sheep with keys when {@code tls} is present: every connection is TLS with a client certificate
     * of the cluster, and each request is allowed by the certificate's role (see {@code security.OpcodeAccess}).
     */
    public SheepServer(SheepServerConfig config, ClusterOps cluster, VdiOps vdis, PeerOps peer,
                       Optional<SslContext> tls) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.config = Objects.requireNonNull(config, "config");
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.vdis = Objects.requireNonNull(vdis, "vdis");
        this.peer = peer;
    }

    /**
     * Binds and starts serving.
     *
     * @return the bound port (the chosen one if the config asked for port 0)
     * @throws IOException if the address cannot be bound, with the address in the message
     */
    public synchronized int start() throws IOException {
        if (serverChannel != null || closed) {
            throw new IllegalStateException(closed ? "server closed" : "server started already");
        }
        bossGroup = SheepTransport.newEventLoopGroup(1, "sheep-accept", true);
        ioGroup = SheepTransport.newEventLoopGroup(config.ioThreads(), "sheep-net", true);
        controlExecutor = Executors.newFixedThreadPool(config.workerThreads(),
                new DefaultThreadFactory("sheep-control", true));
        SheepRequestAdapter adapter = new SheepRequestAdapter(cluster, vdis, peer, controlExecutor,
                config.maxFrameSize());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(SheepTransport.serverChannelClass(bossGroup))
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, SheepTransport.ALLOCATOR)
                .childHandler(new SheepServerInitializer(config, adapter, channels, tls));
        ChannelFuture bound = bootstrap.bind(config.bindAddress(), config.port()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdownResources();
            Throwable cause = bound.cause();
            throw new IOException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": "
                    + cause.getMessage(), cause);
        }
        serverChannel = bound.channel();
        int port = port();
        LOG.info("sheep protocol listening on {}:{} ({}, {} transport, {} io threads, {} workers, frame cap {} bytes;"
                + " {})", config.bindAddress(), port, tls.isPresent() ? "TLS with client certificates" : "plaintext",
                SheepTransport.epollAvailable() ? "epoll" : "nio", config.ioThreads(), config.workerThreads(),
                config.maxFrameSize(), config.limits().describe());
        return port;
    }

    /** The bound port; only after {@link #start()}. */
    public synchronized int port() {
        return localAddress().getPort();
    }

    /** The bound address; only after {@link #start()}. */
    public synchronized InetSocketAddress localAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("server not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening, closes every connection and stops all threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly();
        shutdownResources();
        LOG.info("sheep protocol server stopped");
    }

    private void shutdownResources() {
        if (controlExecutor != null) {
            // Interrupt blocked administrative calls: their clients are gone.
            controlExecutor.shutdownNow();
        }
        for (EventLoopGroup group : new EventLoopGroup[] {bossGroup, ioGroup}) {
            if (group != null) {
                group.shutdownGracefully(0, config.shutdownTimeout().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        for (EventLoopGroup group : new EventLoopGroup[] {bossGroup, ioGroup}) {
            if (group != null) {
                group.terminationFuture().awaitUninterruptibly(config.shutdownTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        }
    }
}
