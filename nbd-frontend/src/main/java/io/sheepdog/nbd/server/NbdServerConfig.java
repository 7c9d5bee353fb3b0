package io.sheepdog.nbd.server;

import static com.google.common.base.Preconditions.checkArgument;

import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.limit.ServerLimits;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of an {@link NbdServer}, validated on construction.
 *
 * @param bindAddress         address to listen on
 * @param port                TCP port; 0 picks a free one (see {@link NbdServer#start()})
 * @param maxPayload          largest READ/WRITE payload in bytes, advertised in NBD_INFO_BLOCK_SIZE; a WRITE
 *                            carrying more closes the connection. At least {@link #PREFERRED_BLOCK_SIZE}.
 * @param eventLoopThreads    Netty event loop threads; 0 means Netty's default (twice the cores)
 * @param maxInFlightRequests requests of one connection the device may be working on before the server stops
 *                            reading from that connection (back-pressure)
 * @param shutdownTimeout     how long {@link NbdServer#close()} lets the event loops finish their tasks (it waits
 *                            at most twice this for them to end)
 * @param limits              bytes in flight, connections and timeouts ({@link #DEFAULT_LIMITS}); the bytes in
 *                            flight must hold one request of {@code maxPayload}
 * @param tls                 NBD_OPT_STARTTLS: whether offered or required, with what certificate
 */
public record NbdServerConfig(InetAddress bindAddress, int port, int maxPayload, int eventLoopThreads,
                              int maxInFlightRequests, Duration shutdownTimeout, ServerLimits limits, NbdTls tls) {

    /** The IANA port for NBD. */
    public static final int DEFAULT_PORT = 10809;
    /** 32 MiB, the largest payload every client may assume. */
    public static final int DEFAULT_MAX_PAYLOAD = NbdProtocol.DEFAULT_MAX_PAYLOAD;
    /** Default for {@link #maxInFlightRequests}. */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 256;
    /** Advertised minimum block size: requests need no alignment. */
    public static final int MINIMUM_BLOCK_SIZE = 1;
    /** Advertised preferred block size. */
    public static final int PREFERRED_BLOCK_SIZE = 4096;
    /** Upper bound for {@link #maxPayload}, keeping buffers and reply lengths far from int overflow. */
    public static final int MAX_MAX_PAYLOAD = 1 << 30;
    /** Default for {@link #shutdownTimeout}: a stop is not held up longer by a loop that does not finish. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Default bounds (docs/architecture.md, "Bounded resources"): 256 MiB in flight for all clients, 64 MiB (two
     * largest requests) per connection, 1024 connections; a handshake must end within 10 s (qemu-nbd's
     * --handshake-limit default); a connection holding budget while not reading its replies, or not sending the
     * payload it announced while we read, for 60 s is closed. No idle timeout: an idle VM keeps its NBD connection
     * for hours, and qemu without reconnect-delay fails the disk when the server closes it.
     */
    public static final ServerLimits DEFAULT_LIMITS = new ServerLimits(256L << 20, 64L << 20, 1024,
            Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(60), Duration.ofSeconds(60));

    public NbdServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        checkArgument(port >= 0 && port <= 65535, "port out of range: %s", port);
        checkArgument(maxPayload >= PREFERRED_BLOCK_SIZE && maxPayload <= MAX_MAX_PAYLOAD,
                "maxPayload must be in [%s, %s]: %s", PREFERRED_BLOCK_SIZE, MAX_MAX_PAYLOAD, maxPayload);
        checkArgument(eventLoopThreads >= 0, "eventLoopThreads must not be negative: %s", eventLoopThreads);
        checkArgument(maxInFlightRequests >= 1, "maxInFlightRequests must be positive: %s", maxInFlightRequests);
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        checkArgument(shutdownTimeout.toMillis() >= 1, "shutdownTimeout must be at least 1 ms: %s", shutdownTimeout);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits").requireRoomFor(maxPayload, "NBD request of the maximum payload");
    }

    /** A builder starting from the defaults: loopback, port 10809, 32 MiB payloads, default threads. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link NbdServerConfig}s. */
    public static final class Builder {
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private int port = DEFAULT_PORT;
        private int maxPayload = DEFAULT_MAX_PAYLOAD;
        private int eventLoopThreads;
        private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private ServerLimits limits = DEFAULT_LIMITS;
        private NbdTls tls = NbdTls.OFF;

        private Builder() {
        }

        public Builder bindAddress(InetAddress value) {
            this.bindAddress = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder maxPayload(int value) {
            this.maxPayload = value;
            return this;
        }

        public Builder eventLoopThreads(int value) {
            this.eventLoopThreads = value;
            return this;
        }

        public Builder maxInFlightRequests(int value) {
            this.maxInFlightRequests = value;
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        public Builder limits(ServerLimits value) {
            this.limits = value;
            return this;
        }

        public Builder tls(NbdTls value) {
            this.tls = value;
            return this;
        }

        public NbdServerConfig build() {
            return new NbdServerConfig(bindAddress, port, maxPayload, eventLoopThreads, maxInFlightRequests,
                    shutdownTimeout, limits, tls);
        }
    }
}
