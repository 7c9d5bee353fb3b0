package io.sheepdog.daemon.peer;

import static com.google.common.base.Preconditions.checkArgument;
import static io.sheepdog.daemon.api.Durations.positive;

import java.time.Duration;

/**
 * How long {@link EpochRetry} keeps a request going and how it paces its waits. The daemon's values, and why, are in
 * {@code SheepTimings} and docs/architecture.md ("Timeouts and periods").
 *
 * @param timeout      how long a request may take in all, retries under new epochs included; past it the request
 *                     fails with the mismatch (or NETWORK_ERROR) and a message naming this limit
 * @param firstBackoff the pause before the retry of a request a replica refused as behind (NEW_NODE_VER) or could
 *                     not be reached for, and the first pause of a node waiting for its own epoch to move
 *                     (OLD_NODE_VER)
 * @param maxBackoff   the longest pause while waiting for this node's epoch to move: the pause doubles from
 *                     {@code firstBackoff} up to this
 */
public record EpochRetryConfig(Duration timeout, Duration firstBackoff, Duration maxBackoff) {

    public EpochRetryConfig {
        positive("timeout", timeout);
        positive("firstBackoff", firstBackoff);
        positive("maxBackoff", maxBackoff);
        checkArgument(maxBackoff.compareTo(firstBackoff) >= 0, "maxBackoff %s is shorter than firstBackoff %s",
                maxBackoff, firstBackoff);
    }

    /** The same backoffs with another timeout. */
    public EpochRetryConfig withTimeout(Duration value) {
        return new EpochRetryConfig(value, firstBackoff, maxBackoff);
    }
}
