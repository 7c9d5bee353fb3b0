package io.sheepdog.membership.meta;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the replicated metadata.
 *
 * @param dir            where the replicated log, its snapshots and the engine's own state live (the daemon passes
 *                       {@code STORE_DIR/raft}); survives restarts
 * @param commandTimeout how long a submitted command may take before it fails with {@link Outcome#TIMEOUT}
 * @param maxLogBytes    log size after which a snapshot of the state replaces the log
 */
public record MetadataConfig(Path dir, Duration commandTimeout, long maxLogBytes) {
    /** Default command timeout: long enough for an election after a leader crash (about 4 s with defaults). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /** Default snapshot threshold. */
    public static final long DEFAULT_MAX_LOG_BYTES = 1 << 20;

    public MetadataConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("command timeout must be positive: " + commandTimeout);
        }
        if (maxLogBytes < 1024) {
            throw new IllegalArgumentException("max log size must be at least 1 KiB: " + maxLogBytes);
        }
    }

    /** The defaults for {@code dir}. */
    public static MetadataConfig of(Path dir) {
        return new MetadataConfig(dir, DEFAULT_COMMAND_TIMEOUT, DEFAULT_MAX_LOG_BYTES);
    }

    public MetadataConfig withCommandTimeout(Duration timeout) {
        return new MetadataConfig(dir, timeout, maxLogBytes);
    }

    public MetadataConfig withMaxLogBytes(long bytes) {
        return new MetadataConfig(dir, commandTimeout, bytes);
    }
}
