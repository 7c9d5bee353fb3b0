package io.sheepdog.daemon.client;

import static io.sheepdog.daemon.api.Durations.positive;

import io.netty.handler.ssl.SslContext;
import io.sheepdog.daemon.proto.SheepProtocol;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link SheepClient}.
 *
 * @param connectTimeout how long to wait for the TCP connection
 * @param requestTimeout how long to wait for the answer to each request before failing it with NETWORK_ERROR
 * @param maxFrameSize   cap on header plus payload of one frame, as on the server
 * @param closeTimeout   how long {@link SheepClient#close()} waits for the connection (and a private event loop) to
 *                       close
 * @param tls            the TLS client context ({@code TlsContexts.client()}) for a sheep started with keys; empty
 *                       for plaintext
 */
public record SheepClientConfig(Duration connectTimeout, Duration requestTimeout, int maxFrameSize,
                                Duration closeTimeout, Optional<SslContext> tls) {

    /** Default for {@link #closeTimeout}: ample for a close on a healthy loop, short enough not to hold up a stop. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    public SheepClientConfig {
        positive("connectTimeout", connectTimeout);
        positive("requestTimeout", requestTimeout);
        positive("closeTimeout", closeTimeout);
        Objects.requireNonNull(tls, "tls");
        if (maxFrameSize <= SheepProtocol.HEADER_SIZE) {
            throw new IllegalArgumentException("maxFrameSize too small: " + maxFrameSize);
        }
    }

    /** The {@linkplain #DEFAULT_CLOSE_TIMEOUT default close timeout}. */
    public SheepClientConfig(Duration connectTimeout, Duration requestTimeout, int maxFrameSize) {
        this(connectTimeout, requestTimeout, maxFrameSize, DEFAULT_CLOSE_TIMEOUT);
    }

    /** Plaintext. */
    public SheepClientConfig(Duration connectTimeout, Duration requestTimeout, int maxFrameSize,
                             Duration closeTimeout) {
        this(connectTimeout, requestTimeout, maxFrameSize, closeTimeout, Optional.empty());
    }

    /** The same over TLS with {@code context}, or plaintext if it is empty. */
    public SheepClientConfig withTls(Optional<SslContext> context) {
        return new SheepClientConfig(connectTimeout, requestTimeout, maxFrameSize, closeTimeout, context);
    }

    /** {@code timeout} for connecting and for each request, the default frame cap and close timeout. */
    public static SheepClientConfig of(Duration timeout) {
        return new SheepClientConfig(timeout, timeout, SheepProtocol.DEFAULT_MAX_FRAME_SIZE);
    }
}
