package io.sheepdog.nbd.server;

import static com.google.common.base.Preconditions.checkState;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sheepdog.nbd.ExportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NBD server (fixed newstyle handshake, simple and structured replies) serving the exports of an
 * {@link ExportProvider}. Uses Netty's epoll transport when {@link Epoll#isAvailable()}, NIO otherwise.
 *
 * <pre>{@code
 * try (NbdServer server = new NbdServer(NbdServerConfig.builder().port(0).build(), exports)) {
 *     int port = server.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()}, which closes the listening socket and every
 * connection. Thread-safe.
 */
public final class NbdServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NbdServer.class);

    private final NbdServerConfig config;
    private final ExportProvider exports;
    private final ChannelGroup connections = new DefaultChannelGroup("nbd-connections", GlobalEventExecutor.INSTANCE);
    private NbdServerInitializer initializer;
    private EventLoopGroup group;
    private Channel serverChannel;
    private boolean started;
    private boolean closed;

    /**
     * @param config  listen address, limits and threads
     * @param exports resolves the export names clients ask for
     */
    public NbdServer(NbdServerConfig config, ExportProvider exports) {
        this.config = Objects.requireNonNull(config, "config");
        this.exports = Objects.requireNonNull(exports, "exports");
    }

    /**
     * Binds the listening socket.
     *
     * @return the bound port (the chosen one if the configured port is 0)
     * @throws IOException           if the address cannot be bound
     * @throws IllegalStateException if already started or closed
     */
    public synchronized int start() throws IOException {
        checkState(!started && !closed, "NbdServer can be started once");
        started = true;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory ioHandlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), new DefaultThreadFactory("nbd-server"),
                ioHandlers);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(initializer = new NbdServerInitializer(config, exports, connections));
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
        ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            shutdownGroup();
            throw new IOException("cannot bind NBD server to " + address, bind.cause());
        }
        serverChannel = bind.channel();
        int port = port();
        LOG.info("NBD server listening on {}:{} ({} transport, max payload {} bytes, {} max in-flight requests; {})",
                config.bindAddress().getHostAddress(), port, epoll ? "epoll" : "nio", config.maxPayload(),
                config.maxInFlightRequests(), config.limits().describe());
        return port;
    }

    /**
     * The bound port.
     *
     * @throws IllegalStateException if not started
     */
    public synchronized int port() {
        checkState(serverChannel != null, "NbdServer not started");
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Bytes the connections hold now: requests, payloads and replies not yet written (docs: "Bounded resources"). */
    public synchronized long bytesInFlight() {
        checkState(initializer != null, "NbdServer not started");
        return initializer.budget().used();
    }

    /** Connections currently open (in any phase). */
    public int connectionCount() {
        return connections.size();
    }

    /** Stops listening, closes every connection and stops the event loops. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        connections.close().awaitUninterruptibly();
        shutdownGroup();
        LOG.info("NBD server stopped");
    }

    private void shutdownGroup() {
        if (group != null) {
            long timeout = config.shutdownTimeout().toMillis();
            group.shutdownGracefully(0, timeout, TimeUnit.MILLISECONDS).awaitUninterruptibly(2 * timeout);
        }
    }
}
