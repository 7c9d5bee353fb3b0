package io.sheepdog.daemon.vdi;

import static io.sheepdog.daemon.api.Durations.positive;

import java.time.Duration;

/**
 * The waits of {@link VdiLocks}; the daemon's values, and why, are in {@code SheepTimings} and docs/architecture.md
 * ("Timeouts and periods").
 *
 * @param attachWait   how long an attach waits for a VDI's lock held by another client to be released (the previous
 *                     user detaching, a restarted gateway's lease ending) before it is refused
 * @param releaseRetry the pause before a release that found no majority is proposed again
 */
public record LockTimings(Duration attachWait, Duration releaseRetry) {
    public LockTimings {
        positive("attachWait", attachWait);
        positive("releaseRetry", releaseRetry);
    }
}
