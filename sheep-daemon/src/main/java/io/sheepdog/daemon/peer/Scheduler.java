package io.sheepdog.daemon.peer;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where retry and recovery logic waits: timers for the asynchronous waits ({@link EpochRetry}'s backoffs,
 * recovery's retry of a copy), a sleep for the blocking ones (recovery's thread asking a node again). The time
 * itself is read from the {@link com.google.common.base.Ticker} handed in beside it. The daemon uses
 * {@link #of(ScheduledExecutorService)}; unit tests use a manual scheduler that runs what is due when the test steps
 * its clock, so they never wait for real time.
 */
public interface Scheduler {

    /**
     * Runs {@code task} once {@code delay} has passed, on the scheduler's thread.
     *
     * @throws RejectedExecutionException if the scheduler has shut down
     */
    Alarm schedule(Runnable task, Duration delay);

    /**
     * Runs {@code task} soon on the scheduler's thread, never on the caller's.
     *
     * @throws RejectedExecutionException if the scheduler has shut down
     */
    void execute(Runnable task);

    /** Blocks the calling thread for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** A scheduled task. */
    @FunctionalInterface
    interface Alarm {
        /** Drops the task unless it has run already. */
        void cancel();
    }

    /** The real clock: tasks run on {@code timer}'s threads; sleeps are {@link Thread#sleep}. */
    static Scheduler of(ScheduledExecutorService timer) {
        return new Scheduler() {
            @Override
            public Alarm schedule(Runnable task, Duration delay) {
                ScheduledFuture<?> f = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                timer.execute(task);
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(duration.toNanos());
            }
        };
    }
}
