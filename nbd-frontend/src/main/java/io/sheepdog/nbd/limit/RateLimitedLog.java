package io.sheepdog.nbd.limit;

import com.google.common.base.Ticker;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * A warning about hostile or broken traffic (decode failures, refused connections, timeouts), logged at most
 * {@code burst} times per {@code period}; what is left out is counted and named in the next line logged, so a
 * client hammering the port cannot fill the disk or drown the log, and the operator still sees how much happened.
 * Thread-safe.
 */
public final class RateLimitedLog {

    /** The default: ten lines every ten seconds per kind of event. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
    public static final int DEFAULT_BURST = 10;

    private final Logger log;
    private final Ticker ticker;
    private final long periodNanos;
    private final int burst;
    private long periodStart;
    private int logged;
    private long suppressed;

    public RateLimitedLog(Logger log) {
        this(log, Ticker.systemTicker(), DEFAULT_PERIOD, DEFAULT_BURST);
    }

    public RateLimitedLog(Logger log, Ticker ticker, Duration period, int burst) {
        this.log = log;
        this.ticker = ticker;
        this.periodNanos = period.toNanos();
        this.burst = burst;
        this.periodStart = ticker.read();
    }

    /** Logs at WARN unless this period's lines are used up; {@code args} as in SLF4J. */
    public void warn(String format, Object... args) {
        long left = admit();
        if (left < 0) {
            return;
        }
        if (left > 0) {
            log.warn(format + " (" + left + " similar events not logged in the last period)", args);
        } else {
            log.warn(format, args);
        }
    }

    /** The number of lines suppressed before this one, or -1 if this one is suppressed. */
    private synchronized long admit() {
        long now = ticker.read();
        if (now - periodStart >= periodNanos) {
            periodStart = now;
            logged = 0;
        }
        if (logged >= burst) {
            suppressed++;
            return -1;
        }
        logged++;
        long before = suppressed;
        suppressed = 0;
        return before;
    }

    /** Lines not logged since the last one that was (for tests and metrics). */
    public synchronized long suppressed() {
        return suppressed;
    }
}
