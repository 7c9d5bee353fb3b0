package io.sheepdog.nbd.limit;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of one server port (docs/architecture.md, "Bounded resources"); a zero duration turns that timeout off.
 *
 * @param maxBytesInFlight      the server's {@link ByteBudget}: bytes of requests, frames being read and unwritten
 *                              replies of all connections together
 * @param maxBytesPerConnection one connection's share of it ({@link ConnectionBudget}); at most the budget
 * @param maxConnections        connections open at once on the port ({@link ConnectionLimit})
 * @param handshakeTimeout      a connection that has not finished its handshake this long after it opened is
 *                              closed (time the server spends looking things up for it does not count)
 * @param idleTimeout           a connection that sent nothing and had nothing in flight this long is closed
 * @param stallTimeout          a connection that holds budget while its replies are not read this long is closed
 * @param frameTimeout          a request whose payload has been arriving this long while we read is closed
 */
public record ServerLimits(long maxBytesInFlight, long maxBytesPerConnection, int maxConnections,
                           Duration handshakeTimeout, Duration idleTimeout, Duration stallTimeout,
                           Duration frameTimeout) {

    public ServerLimits {
        checkArgument(maxBytesPerConnection > 0 && maxBytesPerConnection <= maxBytesInFlight,
                "the bytes per connection (%s) must be positive and at most the bytes in flight (%s)",
                maxBytesPerConnection, maxBytesInFlight);
        checkArgument(maxConnections > 0, "the connection limit must be positive: %s", maxConnections);
        for (Duration d : new Duration[] {handshakeTimeout, idleTimeout, stallTimeout, frameTimeout}) {
            Objects.requireNonNull(d, "timeout");
            checkArgument(!d.isNegative(), "a timeout must not be negative: %s", d);
        }
    }

    /** Checks that one request of {@code maxRequestBytes} fits in the budget (else it could never be admitted). */
    public ServerLimits requireRoomFor(long maxRequestBytes, String what) {
        checkArgument(maxRequestBytes <= maxBytesInFlight, "the bytes in flight (%s) must hold one %s of %s bytes",
                maxBytesInFlight, what, maxRequestBytes);
        return this;
    }

    public ServerLimits withMaxBytesInFlight(long value) {
        return new ServerLimits(value, Math.min(value, maxBytesPerConnection), maxConnections, handshakeTimeout,
                idleTimeout, stallTimeout, frameTimeout);
    }

    public ServerLimits withMaxBytesPerConnection(long value) {
        return new ServerLimits(maxBytesInFlight, value, maxConnections, handshakeTimeout, idleTimeout,
                stallTimeout, frameTimeout);
    }

    public ServerLimits withMaxConnections(int value) {
        return new ServerLimits(maxBytesInFlight, maxBytesPerConnection, value, handshakeTimeout, idleTimeout,
                stallTimeout, frameTimeout);
    }

    public ServerLimits withHandshakeTimeout(Duration value) {
        return new ServerLimits(maxBytesInFlight, maxBytesPerConnection, maxConnections, value, idleTimeout,
                stallTimeout, frameTimeout);
    }

    public ServerLimits withIdleTimeout(Duration value) {
        return new ServerLimits(maxBytesInFlight, maxBytesPerConnection, maxConnections, handshakeTimeout, value,
                stallTimeout, frameTimeout);
    }

    public ServerLimits withStallTimeout(Duration value) {
        return new ServerLimits(maxBytesInFlight, maxBytesPerConnection, maxConnections, handshakeTimeout,
                idleTimeout, value, frameTimeout);
    }

    public ServerLimits withFrameTimeout(Duration value) {
        return new ServerLimits(maxBytesInFlight, maxBytesPerConnection, maxConnections, handshakeTimeout,
                idleTimeout, stallTimeout, value);
    }

    /** For the start-up log line. */
    public String describe() {
        return String.format("%d MiB in flight, %d MiB per connection, %d connections, timeouts: handshake %s, "
                        + "idle %s, stalled replies %s, unfinished frame %s", maxBytesInFlight >> 20,
                maxBytesPerConnection >> 20, maxConnections, off(handshakeTimeout), off(idleTimeout),
                off(stallTimeout), off(frameTimeout));
    }

    private static String off(Duration d) {
        return d.isZero() ? "off" : d.toString();
    }
}
