package io.sheepdog.daemon.peer;

import com.google.common.base.Ticker;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs a gateway request under one epoch and runs it again until it completes under an epoch that did not change
 * meanwhile, so nothing is acknowledged under a placement that was stale when it was applied.
 *
 * <ul>
 * <li>A replica answered OLD_NODE_VER (this node is behind): wait until this node's epoch changes, then retry.</li>
 * <li>A replica answered NEW_NODE_VER (the replica is behind): retry after a short backoff, by when it has usually
 *     caught up.</li>
 * <li>A replica could not be reached (NETWORK_ERROR): retry after a short backoff. Either the connection comes back
 *     or the failure detector removes the node and the epoch moves, after which the request goes to the new
 *     replicas; it is never acknowledged with a replica of the epoch missing.</li>
 * <li>This node's epoch changed while the attempt was in flight (whatever its outcome): retry at once with the new
 *     placement. Replica writes are idempotent, so applying one twice is harmless.</li>
 * </ul>
 * Retries after NEW_NODE_VER and NETWORK_ERROR wait {@link EpochRetryConfig#firstBackoff()}; the wait of a node behind
 * polls its epoch with a pause doubling from {@code firstBackoff} to {@link EpochRetryConfig#maxBackoff()}, and
 * {@link #epochChanged()} wakes every wait at once. Past {@link EpochRetryConfig#timeout()} the request fails with the
 * mismatch code and a message saying the epochs did not agree. Other failures end the request at once. No thread
 * ever blocks: waits are alarms on the {@link Scheduler}, and the time is read from the {@link Ticker}, so a test
 * steps both.
 */
public final class EpochRetry {

    private final LongSupplier epoch;
    private final Scheduler scheduler;
    private final Ticker ticker;
    private final long timeoutNanos;
    private final long firstBackoffNanos;
    private final long maxBackoffNanos;
    private final Set<CompletableFuture<Void>> sleepers = ConcurrentHashMap.newKeySet();

    /** On the real clock: waits are timers on {@code timer} (the daemon's peer event loops). */
    public EpochRetry(LongSupplier epoch, EpochRetryConfig config, ScheduledExecutorService timer) {
        this(epoch, config, Ticker.systemTicker(), Scheduler.of(timer));
    }

    /**
     * @param epoch     this node's current epoch
     * @param config    the timeout and backoffs
     * @param ticker    the time deadlines are measured in
     * @param scheduler where the waits run
     */
    public EpochRetry(LongSupplier epoch, EpochRetryConfig config, Ticker ticker, Scheduler scheduler) {
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.timeoutNanos = config.timeout().toNanos();
        this.firstBackoffNanos = config.firstBackoff().toNanos();
        this.maxBackoffNanos = config.maxBackoff().toNanos();
    }

    /** Wakes every waiting request: the epoch changed. */
    public void epochChanged() {
        for (CompletableFuture<Void> s : sleepers) {
            wake(s);
        }
    }

    /**
     * Runs {@code attempt} (given the epoch to stamp on its requests) until it completes under a stable epoch.
     *
     * @param what names the request in the timeout message ("write of object 0000..."); called only on failure,
     *             so that the request path formats nothing
     */
    public <T> CompletableFuture<T> run(Supplier<String> what, LongFunction<CompletableFuture<T>> attempt) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(new Request<>(what, attempt, ticker.read() + timeoutNanos, result));
        return result;
    }

    /** One request's retry state. */
    private record Request<T>(Supplier<String> what, LongFunction<CompletableFuture<T>> attempt, long deadline,
                              CompletableFuture<T> result) {
    }

    private <T> void attempt(Request<T> r) {
        long e = epoch.getAsLong();
        CompletableFuture<T> f;
        try {
            f = r.attempt().apply(e);
        } catch (RuntimeException ex) {
            f = CompletableFuture.failedFuture(ex);
        }
        f.whenComplete((v, t) -> settle(r, e, v, t == null ? null : SheepException.unwrap(t)));
    }

    private <T> void settle(Request<T> r, long e, T value, Throwable failure) {
        boolean moved = epoch.getAsLong() != e;
        ResultCode code = failure instanceof SheepException se ? se.result() : null;
        boolean mismatch = code == ResultCode.OLD_NODE_VER || code == ResultCode.NEW_NODE_VER
                || code == ResultCode.NETWORK_ERROR;
        if (!moved && failure == null) {
            r.result().complete(value);
        } else if (!moved && !mismatch) {
            r.result().completeExceptionally(failure);
        } else if (ticker.read() - r.deadline() >= 0) {
            r.result().completeExceptionally(timedOut(r, e, failure));
        } else if (moved) {
            attempt(r);
        } else {
            waitAndRetry(r, e, code, firstBackoffNanos);
        }
    }

    /** Sleeps, then retries; while this node is behind (OLD_NODE_VER) and its epoch has not moved, sleeps again. */
    private <T> void waitAndRetry(Request<T> r, long e, ResultCode code, long backoffNanos) {
        long remaining = r.deadline() - ticker.read();
        sleep(Math.min(backoffNanos, Math.max(remaining, 0))).whenComplete((v, t) -> {
            if (t != null) {
                r.result().completeExceptionally(t);
            } else if (code == ResultCode.OLD_NODE_VER && epoch.getAsLong() == e
                    && ticker.read() - r.deadline() < 0) {
                waitAndRetry(r, e, code, Math.min(backoffNanos * 2, maxBackoffNanos));
            } else {
                attempt(r);
            }
        });
    }

    /**
     * Completes after {@code nanos}, or earlier on {@link #epochChanged()}; fails SHUTDOWN if the scheduler is gone.
     */
    private CompletableFuture<Void> sleep(long nanos) {
        CompletableFuture<Void> s = new CompletableFuture<>();
        sleepers.add(s);
        try {
            Scheduler.Alarm alarm = scheduler.schedule(() -> s.complete(null), Duration.ofNanos(nanos));
            s.whenComplete((v, t) -> alarm.cancel());
        } catch (RejectedExecutionException ex) {
            s.completeExceptionally(new SheepException(ResultCode.SHUTDOWN, "sheep is shutting down", ex));
        }
        s.whenComplete((v, t) -> sleepers.remove(s));
        return s;
    }

    /**
     * Completes a sleeper on the scheduler's thread, so the retry does not run on the thread reporting the change.
     */
    private void wake(CompletableFuture<Void> s) {
        try {
            scheduler.execute(() -> s.complete(null));
        } catch (RejectedExecutionException ex) {
            s.completeExceptionally(new SheepException(ResultCode.SHUTDOWN, "sheep is shutting down", ex));
        }
    }

    private SheepException timedOut(Request<?> r, long e, Throwable last) {
        String limit = TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
        if (last instanceof SheepException se && se.result() == ResultCode.NETWORK_ERROR) {
            return new SheepException(ResultCode.NETWORK_ERROR, r.what().get() + ": a replica stayed unreachable for "
                    + limit + " and the cluster did not move to a new epoch without it; last error: "
                    + se.getMessage(), se);
        }
        if (last instanceof SheepException se && (se.result() == ResultCode.OLD_NODE_VER
                || se.result() == ResultCode.NEW_NODE_VER)) {
            return new SheepException(se.result(), r.what().get() + ": the epochs of this node (" + e
                    + ") and the replicas did not agree within " + limit + "; last answer: " + se.getMessage(), se);
        }
        return new SheepException(ResultCode.OLD_NODE_VER, r.what().get() + ": the epoch kept changing for " + limit
                + " (last at " + e + ", now " + epoch.getAsLong() + ")", last);
    }
}
