package io.sheepdog.daemon.testing;

import com.google.common.base.Ticker;
import io.sheepdog.daemon.peer.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock that moves only when the test moves it, and the scheduler that goes with it: {@link #advance} runs, on the
 * test's thread and in time order, every task that falls due, and a {@link #sleep} moves the clock by the time slept
 * at once. So a unit test of retry or recovery logic steps through minutes of waits without waiting, and sees exactly
 * which waits the code asked for ({@link #delays()}, {@link #sleeps()}).
 */
public final class ManualTime extends Ticker implements Scheduler {
    /** More tasks than this in one step means the code under test keeps rescheduling itself without time passing. */
    private static final int MAX_TASKS_PER_STEP = 100_000;

    private record Task(long due, long seq, Runnable task, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due() != b.due()
            ? Long.compare(a.due(), b.due()) : Long.compare(a.seq(), b.seq()));
    private final List<Duration> delays = new ArrayList<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private long now;
    private long seq;

    @Override
    public synchronized long read() {
        return now;
    }

    /** The time passed since this clock was made. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(now);
    }

    @Override
    public synchronized Alarm schedule(Runnable task, Duration delay) {
        delays.add(delay);
        boolean[] cancelled = new boolean[1];
        tasks.add(new Task(now + delay.toNanos(), seq++, task, cancelled));
        return () -> {
            synchronized (this) {
                cancelled[0] = true;
            }
        };
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(new Task(now, seq++, task, new boolean[1]));
    }

    /** Moves the clock by {@code duration} at once, running what falls due meanwhile. */
    @Override
    public void sleep(Duration duration) {
        synchronized (this) {
            sleeps.add(duration);
        }
        advance(duration);
    }

    /**
     * Moves the clock by {@code step}, running each task as its time comes (tasks it schedules included).
     *
     * @throws AssertionError if the tasks keep scheduling more at the same instant (a loop that would spin forever)
     */
    public void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        for (int run = 0; ; run++) {
            if (run > MAX_TASKS_PER_STEP) {
                throw new AssertionError(MAX_TASKS_PER_STEP + " tasks in one step of " + step + " at "
                        + Duration.ofNanos(now) + ": the code under test reschedules itself without time passing");
            }
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due() > target) {
                    now = target;
                    return;
                }
                tasks.remove();
                now = next.due();
                if (next.cancelled()[0]) {
                    continue;
                }
            }
            next.task().run();
        }
    }

    /** Runs what is due now (tasks handed to {@link #execute} included) without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** The delays of every {@link #schedule} call so far, in order. */
    public synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** The durations of every {@link #sleep} so far, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** Tasks scheduled and neither run nor cancelled yet. */
    public synchronized int pending() {
        return (int) tasks.stream().filter(t -> !t.cancelled()[0]).count();
    }
}
