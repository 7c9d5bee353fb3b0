package io.sheepdog.daemon.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key, without holding a thread while a task waits: the next task
 * for a key starts when the previous one's future completes (successfully or not). Tasks of different keys run
 * independently. This orders every request that touches one object (a write that creates it and a second write
 * racing it must not both "create" it) while I/O of other objects proceeds in parallel.
 */
public final class KeyedSerializer {
    private final ConcurrentHashMap<Long, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

    /** Runs {@code task} after every task submitted before for {@code key} has completed. */
    public <T> CompletableFuture<T> submit(long key, Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<?> previous = tails.put(key, result);
        if (previous == null) {
            start(task, result);
        } else {
            previous.whenComplete((v, e) -> start(task, result));
        }
        result.whenComplete((v, e) -> tails.remove(key, result));
        return result;
    }

    /** Number of keys with a task queued or running (for tests and metrics). */
    public int activeKeys() {
        return tails.size();
    }

    private static <T> void start(Supplier<CompletableFuture<T>> task, CompletableFuture<T> result) {
        CompletableFuture<T> running;
        try {
            running = task.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        running.whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(v);
            }
        });
    }
}
