package io.sheepdog.daemon.testing.fuzz;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How much one fuzzer runs, from system properties with per-fuzzer defaults:
 * <pre>
 *   -Dfuzz.seed=N      the seed (default: drawn, and printed)
 *   -Dfuzz.first=I     the index of the first case (default 0): with the seed, replays a reported failure
 *   -Dfuzz.cases=N     how many cases at most
 *   -Dfuzz.seconds=S   wall-clock cap on sending cases (the batch checks after it still run)
 *   -Dfuzz.batch=N     cases between two health checks of the daemon
 * </pre>
 * The defaults keep a fuzzer within about a minute of the default IT run; a long run raises cases and seconds.
 *
 * @param seed  the run's seed
 * @param first the index of the first case
 * @param cases how many cases at most
 * @param cap   wall-clock cap on sending
 * @param batch cases per health check
 */
public record FuzzSettings(long seed, int first, int cases, Duration cap, int batch) {

    public FuzzSettings {
        if (cases < 1 || batch < 1 || first < 0 || cap.isNegative() || cap.isZero()) {
            throw new IllegalArgumentException("fuzz settings out of range: " + cases + " cases from " + first
                    + ", batches of " + batch + ", cap " + cap);
        }
    }

    /** The settings the system properties ask for, else the given defaults (a fresh seed if none is set). */
    public static FuzzSettings fromSystemProperties(int defaultCases, Duration defaultCap, int defaultBatch) {
        long seed = Long.getLong("fuzz.seed", new SplittableRandom().nextLong());
        int first = Integer.getInteger("fuzz.first", 0);
        int cases = Integer.getInteger("fuzz.cases", defaultCases);
        long seconds = Long.getLong("fuzz.seconds", defaultCap.toSeconds());
        int batch = Integer.getInteger("fuzz.batch", defaultBatch);
        return new FuzzSettings(seed, first, cases, Duration.ofSeconds(seconds), batch);
    }

    /**
     * The random source of case {@code index}: a function of the seed and the index alone, so a case is the same
     * whatever the daemon answered to the cases before it, and one case can be replayed on its own.
     */
    public SplittableRandom random(int index) {
        // SplittableRandom mixes its seed (murmur3-style), so neighbouring indexes give unrelated streams.
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }

    /** The system properties that replay this run from case {@code index}. */
    public String replayFrom(int index) {
        return "-Dfuzz.seed=" + seed + " -Dfuzz.first=" + index;
    }

    @Override
    public String toString() {
        return "seed " + seed + ", cases " + first + ".." + (first + cases - 1) + " (at most " + cap.toSeconds()
                + " s), a health check every " + batch + " (-Dfuzz.seed=" + seed + " replays it)";
    }
}
