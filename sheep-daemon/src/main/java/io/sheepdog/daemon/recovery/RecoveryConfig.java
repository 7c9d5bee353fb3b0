package io.sheepdog.daemon.recovery;

import static io.sheepdog.daemon.api.Durations.positive;

import java.time.Duration;

/**
 * The waits of {@link RecoveryManager} and its runs. The daemon's values, and why, are in {@code SheepTimings} and
 * docs/architecture.md ("Timeouts and periods").
 *
 * @param callTimeout how long one call to a peer (an object list, a node's recovery state) may go unanswered before
 *                    recovery gives up on that answer and asks again
 * @param retryPause  the pause before asking a node again that was unreachable or at another epoch, for an object
 *                    list or an object's copy
 * @param waitPoll    how often a run asks the other nodes whether they recovered the epoch, and how long its thread
 *                    waits for a copy slot before it looks again whether the run was cancelled
 */
public record RecoveryConfig(Duration callTimeout, Duration retryPause, Duration waitPoll) {

    public RecoveryConfig {
        positive("callTimeout", callTimeout);
        positive("retryPause", retryPause);
        positive("waitPoll", waitPoll);
    }
}
