package io.sheepdog.daemon.recovery;

import com.google.common.util.concurrent.RateLimiter;

/**
 * How fast one node recovers: at most {@code parallel} objects copied at once and, unless the limit is 0, at most
 * {@code bytesPerSecond} bytes per second, so VM I/O keeps most of the disk and network. Objects a request waits
 * for are copied at once, outside both limits.
 */
public final class RecoveryThrottle {
    /** Default bandwidth limit per node: a share that leaves a disk of this class most of its throughput. */
    public static final long DEFAULT_BYTES_PER_SECOND = 100L << 20;
    public static final int DEFAULT_PARALLEL = 2;
    public static final int MAX_PARALLEL = 64;

    private final RateLimiter limiter = RateLimiter.create(1);
    private volatile long bytesPerSecond;
    private volatile int parallel;

    public RecoveryThrottle() {
        set(DEFAULT_BYTES_PER_SECOND, DEFAULT_PARALLEL);
    }

    /**
     * @param bytesPerSecond the bandwidth limit, 0 for none
     * @param objects        objects copied at once, 1 to {@value #MAX_PARALLEL}
     */
    public synchronized void set(long bytesPerSecond, int objects) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the recovery bandwidth limit must not be negative: " + bytesPerSecond);
        }
        if (objects < 1 || objects > MAX_PARALLEL) {
            throw new IllegalArgumentException("recovery parallelism must be 1 to " + MAX_PARALLEL + ": " + objects);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.parallel = objects;
        if (bytesPerSecond > 0) {
            limiter.setRate(bytesPerSecond);
        }
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    public int parallel() {
        return parallel;
    }

    /** Blocks until {@code bytes} may be copied. */
    void acquire(long bytes) {
        if (bytesPerSecond > 0 && bytes > 0) {
            limiter.acquire((int) Math.min(bytes, Integer.MAX_VALUE));
        }
    }
}
