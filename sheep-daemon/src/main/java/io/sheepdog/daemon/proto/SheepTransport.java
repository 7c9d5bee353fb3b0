package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBufAllocator;
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
     * The buffer allocator of every sheep protocol channel: Netty's default (the adaptive allocator in 4.2, unless
     * {@code -Dio.netty.allocator.type} says otherwise), named here so that all channels and their tests agree.
     * Payloads are retained slices of the decoder's cumulation that other threads read and release; that is safe with
     * any allocator because the decoder never writes into a buffer while such a slice is out ({@link SheepFrameDecoder},
     * {@code UnsharedCumulator}). The pooled allocator once stood here as a workaround for the corruption that rule
     * fixed.
     */
    public static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

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
