package io.sheepdog.daemon.server;

import static io.sheepdog.daemon.api.Durations.positive;

import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.nbd.limit.ServerLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SheepServer}, validated on construction.
 *
 * @param bindAddress           address to listen on ("0.0.0.0" for all)
 * @param port                  TCP port, 0 for any free port
 * @param ioThreads             event loop threads serving connections
 * @param workerThreads         threads running the blocking administrative operations
 * @param maxFrameSize          cap on header plus payload of one frame, in bytes
 * @param maxInFlightPerConnection requests one connection may have outstanding before the server stops reading from
 *                              it (back-pressure instead of unbounded queues)
 * @param shutdownTimeout       how long {@link SheepServer#close()} lets the event loops finish their tasks
 * @param limits                bytes in flight, connections and timeouts ({@link #DEFAULT_LIMITS}); the bytes in
 *                              flight must hold one frame of {@code maxFrameSize}
 */
public record SheepServerConfig(String bindAddress, int port, int ioThreads, int workerThreads, int maxFrameSize,
                                int maxInFlightPerConnection, Duration shutdownTimeout, ServerLimits limits) {

    public static final int DEFAULT_IO_THREADS = 2;
    public static final int DEFAULT_WORKER_THREADS = 8;
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 256;
    /** Default for {@link #shutdownTimeout}: a stop is not held up longer by a loop that does not finish. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Default bounds (docs/architecture.md, "Bounded resources"): 256 MiB in flight for all connections, 128 MiB (two
     * largest frames) per connection, 1024 connections; no handshake. A frame whose payload does not arrive within
     * 60 s while we read, or a connection holding budget while not reading its responses for 60 s, is closed. A
     * connection idle (nothing read, nothing in flight) for 10 min is closed: the peer pool and collie open a new
     * connection on their next request, and the gateway and recovery retry a request that met the close.
     */
    public static final ServerLimits DEFAULT_LIMITS = new ServerLimits(256L << 20, 128L << 20, 1024, Duration.ZERO,
            Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ofSeconds(60));

    public SheepServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        positive("shutdownTimeout", shutdownTimeout);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (ioThreads < 1 || workerThreads < 1) {
            throw new IllegalArgumentException("ioThreads and workerThreads must be at least 1, got " + ioThreads
                    + " and " + workerThreads);
        }
        if (maxFrameSize < SheepProtocol.HEADER_SIZE + 4 * 1024 * 1024) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize
                    + " cannot carry one 4 MiB object plus the header");
        }
        if (maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("maxInFlightPerConnection must be at least 1");
        }
        Objects.requireNonNull(limits, "limits").requireRoomFor(maxFrameSize, "sheep frame of the maximum size");
    }

    /** Defaults for everything but the address and port. */
    public static SheepServerConfig of(String bindAddress, int port) {
        return new SheepServerConfig(bindAddress, port, DEFAULT_IO_THREADS, DEFAULT_WORKER_THREADS,
                SheepProtocol.DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, DEFAULT_SHUTDOWN_TIMEOUT,
                DEFAULT_LIMITS);
    }

    public SheepServerConfig withWorkerThreads(int threads) {
        return new SheepServerConfig(bindAddress, port, ioThreads, threads, maxFrameSize, maxInFlightPerConnection,
                shutdownTimeout, limits);
    }

    public SheepServerConfig withMaxInFlightPerConnection(int max) {
        return new SheepServerConfig(bindAddress, port, ioThreads, workerThreads, maxFrameSize, max,
                shutdownTimeout, limits);
    }

    public SheepServerConfig withShutdownTimeout(Duration timeout) {
        return new SheepServerConfig(bindAddress, port, ioThreads, workerThreads, maxFrameSize,
                maxInFlightPerConnection, timeout, limits);
    }

    public SheepServerConfig withLimits(ServerLimits value) {
        return new SheepServerConfig(bindAddress, port, ioThreads, workerThreads, maxFrameSize,
                maxInFlightPerConnection, shutdownTimeout, value);
    }
}
