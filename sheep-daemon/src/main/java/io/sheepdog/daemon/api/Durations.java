package io.sheepdog.daemon.api;

import java.time.Duration;
import java.util.Objects;

/** The check every timeout, wait and period of the daemon's config records passes at construction. */
public final class Durations {
    private Durations() {
    }

    /**
     * {@code value}, if it is longer than zero.
     *
     * @throws IllegalArgumentException naming {@code name} otherwise
     */
    public static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than zero, not " + value);
        }
        return value;
    }
}
