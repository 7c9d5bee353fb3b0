package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Picks the Netty transport for the sheep protocol: native epoll when its library loads, NIO otherwise. Event loop
 * groups and channel classes always come from here so that they match.
 */
public final class SheepTransport {

    /**
     * The buffer allocator of every sheep protocol channel: Netty's pooled allocator, not 4.2's default adaptive one.
     * Why: payloads are retained slices of the decoder's cumulation buffer, often released on another thread (the
     * caller of {@code SheepClient.read}, the store completing a write). With the adaptive allocator and leak detection
     * on (paranoid in our tests), such slices were seen to read bytes of other frames: 2 corrupt 4 MiB reads in 6
     * transfers of 256 MiB; with the pooled allocator, none. Revisit when Netty fixes the interplay.
     */
    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private SheepTransport() {
    }

    /** Whether the native epoll transport is usable on this machine. */
    public static boolean epollAvailable() {
        return Epoll.isAvailable();
    }

    /** A new event loop group of {@code threads} threads named {@code name-N}. */
    public static EventLoopGroup newEventLoopGroup(int threads, String name, boolean daemonThreads) {
        IoHandlerFactory factory = epollAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, daemonThreads), factory);
    }

    /** The server channel class that runs on {@code group}. */
    public static Class<? extends ServerChannel> serverChannelClass(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client channel class that runs on {@code group}. */
    public static Class<? extends SocketChannel> socketChannelClass(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    private static boolean isEpoll(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class);
    }
}
