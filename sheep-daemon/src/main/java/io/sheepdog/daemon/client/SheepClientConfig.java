package io.sheepdog.daemon.client;

import io.sheepdog.daemon.proto.SheepProtocol;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SheepClient}.
 *
 * @param connectTimeout how long to wait for the TCP connection
 * @param requestTimeout how long to wait for the answer to each request before failing it with NETWORK_ERROR
 * @param maxFrameSize   cap on header plus payload of one frame, as on the server
 */
public record SheepClientConfig(Duration connectTimeout, Duration requestTimeout, int maxFrameSize) {

    public SheepClientConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + connectTimeout + ", "
                    + requestTimeout);
        }
        if (maxFrameSize <= SheepProtocol.HEADER_SIZE) {
            throw new IllegalArgumentException("maxFrameSize too small: " + maxFrameSize);
        }
    }

    /** {@code timeout} for connecting and for each request, the default frame cap. */
    public static SheepClientConfig of(Duration timeout) {
        return new SheepClientConfig(timeout, timeout, SheepProtocol.DEFAULT_MAX_FRAME_SIZE);
    }
}
