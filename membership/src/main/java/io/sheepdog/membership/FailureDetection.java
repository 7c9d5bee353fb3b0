package io.sheepdog.membership;

import java.time.Duration;
import java.util.Objects;

/**
 * Failure-detection settings. A member whose process dies is noticed at once through its closed failure-detection
 * socket (JGroups FD_SOCK2); a member that hangs (process alive, not answering) is suspected after
 * {@link #timeout} without heartbeats (FD_ALL3, one every {@link #heartbeatInterval}), and removed once a
 * verification of {@link #verifyTimeout} confirms it (VERIFY_SUSPECT2). With the defaults a killed daemon leaves the
 * view in under a second and a hung one in about four.
 *
 * @param heartbeatInterval how often every member sends a heartbeat
 * @param timeout           how long without a heartbeat before a member is suspected
 * @param verifyTimeout     how long a suspected member has to answer before it is removed
 */
public record FailureDetection(Duration heartbeatInterval, Duration timeout, Duration verifyTimeout) {
    /** 1 s heartbeats, 3 s timeout, 1 s verification. */
    public static final FailureDetection DEFAULTS =
            new FailureDetection(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1));

    public FailureDetection {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(verifyTimeout, "verifyTimeout");
        if (heartbeatInterval.toMillis() < 10) {
            throw new IllegalArgumentException("heartbeat interval must be at least 10 ms: " + heartbeatInterval);
        }
        if (timeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            // With fewer than two intervals per timeout, one late heartbeat suspects a healthy member.
            throw new IllegalArgumentException("failure-detection timeout " + timeout.toMillis()
                    + " ms must be at least twice the heartbeat interval " + heartbeatInterval.toMillis() + " ms");
        }
        if (verifyTimeout.toMillis() < 10) {
            throw new IllegalArgumentException("verify timeout must be at least 10 ms: " + verifyTimeout);
        }
    }

    @Override
    public String toString() {
        return String.format("failure detection: heartbeat %d ms, timeout %d ms, verify %d ms",
                heartbeatInterval.toMillis(), timeout.toMillis(), verifyTimeout.toMillis());
    }
}
