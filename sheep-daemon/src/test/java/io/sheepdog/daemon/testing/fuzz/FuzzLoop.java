package io.sheepdog.daemon.testing.fuzz;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one fuzzer: generates case after case ({@link Generator}, a function of the case's random source alone),
 * sends each over a fresh connection ({@link Sender}), and checks the daemon ({@link DaemonHealth}) before the
 * first case, after every batch and at the end, until the case count or the wall-clock cap is reached.
 *
 * <p>A failed check fails the run with the seed, the range of cases since the last good check (the system
 * properties that replay exactly those) and the last cases sent. A server that closes a hostile connection, or
 * stops reading from it, is not a failure; a daemon that no longer serves normal clients is.
 */
public final class FuzzLoop {
    /** Builds case {@code index} from {@code random} and nothing else. */
    @FunctionalInterface
    public interface Generator {
        FuzzCase generate(int index, SplittableRandom random);
    }

    /** Sends one case over a connection of its own and says how that connection ended. */
    @FunctionalInterface
    public interface Sender {
        /** @throws IOException if the server did not accept the connection (or broke a handshake it requires) */
        HostileConnection.Outcome send(FuzzCase c) throws IOException;
    }

    /**
     * What a run did.
     *
     * @param cases    cases sent
     * @param elapsed  time spent sending them (checks excluded)
     * @param outcomes how their connections ended; {@code null} key: the connection was refused
     * @param baseline the daemon's status after the first batch
     * @param peak     the highest status any check saw
     * @param rssMib   the resident set at every check, MiB, for a run that measures its course
     */
    public record Report(int cases, Duration elapsed, Map<HostileConnection.Outcome, Integer> outcomes,
                         int refused, ProcessStatus baseline, ProcessStatus peak, List<Long> rssMib) {
        public double casesPerSecond() {
            return cases / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%d cases in %.1f s (%.0f/s), connections %s, %d refused; daemon %s after the "
                    + "first batch, peak %s; RSS MiB by check %s", cases, elapsed.toNanos() / 1e9, casesPerSecond(),
                    outcomes, refused, baseline, peak, rssMib);
        }
    }

    private static final int RECENT = 12;
    /** Refused connections in a row after which the daemon is checked at once instead of at the batch's end. */
    private static final int REFUSALS_BEFORE_CHECK = 3;

    private final String name;
    private final FuzzSettings settings;
    private final DaemonHealth health;
    private final RecentCases recent = new RecentCases(RECENT);
    private final List<Long> rssMib = new ArrayList<>();

    public FuzzLoop(String name, FuzzSettings settings, DaemonHealth health) {
        this.name = name;
        this.settings = settings;
        this.health = health;
    }

    /** Runs the fuzzer; returns what it did, or throws the first failed check as described above. */
    public Report run(Generator generator, Sender sender) {
        System.out.println(name + ": " + settings);
        check(settings.first(), settings.first() - 1);
        Map<HostileConnection.Outcome, Integer> outcomes = new EnumMap<>(HostileConnection.Outcome.class);
        int refused = 0;
        int refusedInARow = 0;
        int batchStart = settings.first();
        long sendingNanos = 0;
        long capNanos = settings.cap().toNanos();
        int end = settings.first() + settings.cases();
        int i = settings.first();
        for (; i < end && sendingNanos < capNanos; i++) {
            long t0 = System.nanoTime();
            FuzzCase c = generate(generator, i);
            recent.add(c);
            try {
                outcomes.merge(sender.send(c), 1, Integer::sum);
                refusedInARow = 0;
            } catch (IOException e) {
                refused++;
                refusedInARow++;
            } catch (RuntimeException e) {
                throw failed(batchStart, i, "case " + i + " could not be sent: " + e, e);
            }
            sendingNanos += System.nanoTime() - t0;
            boolean batchDone = (i + 1 - settings.first()) % settings.batch() == 0;
            if (batchDone || refusedInARow >= REFUSALS_BEFORE_CHECK) {
                ProcessStatus s = check(batchStart, i);
                if (health.baseline().isEmpty()) {
                    health.takeBaseline(s);
                }
                batchStart = i + 1;
                refusedInARow = 0;
            }
        }
        check(batchStart, i - 1);
        try {
            health.checkLog();
        } catch (AssertionError e) {
            throw failed(settings.first(), i - 1, e.getMessage(), e);
        }
        Report report = new Report(i - settings.first(), Duration.ofNanos(sendingNanos), outcomes, refused,
                health.baseline().orElse(null), health.peak().orElse(null), List.copyOf(rssMib));
        System.out.println(name + ": " + report);
        System.out.println(name + ": " + health.logSummary());
        return report;
    }

    private FuzzCase generate(Generator generator, int index) {
        try {
            return generator.generate(index, settings.random(index));
        } catch (RuntimeException e) {
            throw new AssertionError(name + ": the generator failed on case " + index + " ("
                    + settings.replayFrom(index) + " -Dfuzz.cases=1)", e);
        }
    }

    private ProcessStatus check(int from, int to) {
        try {
            ProcessStatus s = health.check();
            rssMib.add(s.rssMib());
            return s;
        } catch (AssertionError e) {
            throw failed(from, to, e.getMessage(), e);
        }
    }

    private AssertionError failed(int from, int to, String what, Throwable cause) {
        String replay = from > to ? "before any case (seed " + settings.seed() + ")"
                : "after cases " + from + ".." + to + "; replay them with " + settings.replayFrom(from)
                + " -Dfuzz.cases=" + (to - from + 1);
        return new AssertionError(name + " failed " + replay + ":\n" + what + "\nthe last cases sent:\n"
                + recent.describe(), cause);
    }
}
