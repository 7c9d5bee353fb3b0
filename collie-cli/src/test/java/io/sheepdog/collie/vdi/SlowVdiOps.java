package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.testing.ForwardingVdiOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link VdiOps} (object maps included) whose I/O answers (read, write, zero) come 2-5 ms late, so later requests often complete first,
 * recording every request and the most in flight at once. No answer comes before a second request is in flight (or
 * 5 s passed): a transfer that pipelines always gets there, while one that waits for each answer does not, however
 * slowly a loaded machine copies the chunks.
 */
final class SlowVdiOps extends ForwardingVdiOps implements AutoCloseable {
    private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(4);
    private final Random random;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<long[]> requests = new ArrayList<>();

    private final VdiOps delegate;

    SlowVdiOps(VdiOps delegate, long seed) {
        super(delegate);
        this.delegate = delegate;
        this.random = new Random(seed);
    }

    /** Requests not answered yet. */
    int inFlight() {
        return inFlight.get();
    }

    /** The most requests that were in flight at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Every request so far as {offset, length}, in the order sent. */
    List<long[]> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public int[] objectMap(int vid) throws SheepException {
        return delegate.objectMap(vid);
    }

    @Override
    public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        return delayed(super.read(vid, offset, length), offset, length);
    }

    @Override
    public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        return delayed(super.write(vid, offset, data, fua), offset, data.readableBytes());
    }

    @Override
    public CompletableFuture<Void> zero(int vid, long offset, long length, boolean discard, boolean fua) {
        return delayed(super.zero(vid, offset, length, discard, fua), offset, length);
    }

    private <T> CompletableFuture<T> delayed(CompletableFuture<T> done, long offset, long length) {
        synchronized (requests) {
            requests.add(new long[] {offset, length});
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<T> late = new CompletableFuture<>();
        long delay;
        synchronized (random) {
            delay = 2000 + random.nextInt(3000);
        }
        answerLater(() -> {
            inFlight.decrementAndGet();
            done.whenComplete((v, t) -> {
                if (t != null) {
                    late.completeExceptionally(t);
                } else {
                    late.complete(v);
                }
            });
        }, delay, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        return late;
    }

    private void answerLater(Runnable answer, long delayMicros, long deadlineNanos) {
        delays.schedule(() -> {
            if (maxInFlight.get() >= 2 || System.nanoTime() - deadlineNanos > 0) {
                answer.run();
            } else {
                answerLater(answer, 1000, deadlineNanos);
            }
        }, delayMicros, TimeUnit.MICROSECONDS);
    }

    @Override
    public void close() {
        delays.shutdownNow();
    }
}
