package io.sheepdog.daemon.server;

import static io.sheepdog.daemon.api.Durations.positive;

import io.sheepdog.daemon.proto.SheepProtocol;
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
 */
public record SheepServerConfig(String bindAddress, int port, int ioThreads, int workerThreads, int maxFrameSize,
                                int maxInFlightPerConnection, Duration shutdownTimeout) {

    public static final int DEFAULT_IO_THREADS = 2;
    public static final int DEFAULT_WORKER_THREADS = 8;
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 256;
    /** Default for {@link #shutdownTimeout}: a stop is not held up longer by a loop that does not finish. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

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
    }

    /** Defaults for everything but the address and port. */
    public static SheepServerConfig of(String bindAddress, int port) {
        return new SheepServerConfig(bindAddress, port, DEFAULT_IO_THREADS, DEFAULT_WORKER_THREADS,
                SheepProtocol.DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, DEFAULT_SHUTDOWN_TIMEOUT);
    }

    public SheepServerConfig withWorkerThreads(int threads) {
        return new SheepServerConfig(bindAddress, port, ioThreads, threads, maxFrameSize, maxInFlightPerConnection,
                shutdownTimeout);
    }

    public SheepServerConfig withMaxInFlightPerConnection(int max) {
        return new SheepServerConfig(bindAddress, port, ioThreads, workerThreads, maxFrameSize, max,
                shutdownTimeout);
    }

    public SheepServerConfig withShutdownTimeout(Duration timeout) {
        return new SheepServerConfig(bindAddress, port, ioThreads, workerThreads, maxFrameSize,
                maxInFlightPerConnection, timeout);
    }
}
