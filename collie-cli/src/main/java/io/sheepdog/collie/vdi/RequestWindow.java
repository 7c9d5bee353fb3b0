package io.sheepdog.collie.vdi;

import io.sheepdog.daemon.api.SheepException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Requests in flight on one connection, oldest first, at most {@code capacity} of them: the caller adds while
 * {@link #isFull()} is false and takes answers in the order it sent the requests, whatever order they arrive in, so a
 * transfer runs at the speed of the pipe while its output stays in order and its memory bounded (capacity times one
 * request's buffer). {@link #close()} waits for whatever is still in flight and hands each result to the release
 * function, so after a failure nothing is left running or unreleased when the caller reports it.
 *
 * @param <T> what a request answers ({@code Void} for writes)
 */
final class RequestWindow<T> implements AutoCloseable {
    private final Deque<CompletableFuture<T>> inFlight = new ArrayDeque<>();
    private final int capacity;
    private final Consumer<? super T> release;

    /**
     * @param capacity requests in flight at most
     * @param release  frees a result nobody took (a buffer), called on {@link #close()}
     */
    RequestWindow(int capacity, Consumer<? super T> release) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.release = release;
    }

    /** A window of requests that answer nothing to release (writes). */
    static RequestWindow<Void> ofWrites(int capacity) {
        return new RequestWindow<>(capacity, v -> { });
    }

    boolean isFull() {
        return inFlight.size() >= capacity;
    }

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /** Adds a request sent just now; the caller checks {@link #isFull()} first. */
    void add(CompletableFuture<T> request) {
        if (isFull()) {
            throw new IllegalStateException("the window holds " + capacity + " requests already");
        }
        inFlight.add(request);
    }

    /** Waits for the oldest request and takes its answer; its failure as a SheepException. */
    T awaitOldest() throws SheepException {
        CompletableFuture<T> oldest = inFlight.poll();
        if (oldest == null) {
            throw new IllegalStateException("no request in flight");
        }
        return VdiTransfer.await(oldest);
    }

    /** If the window is full, waits for the oldest request (a write, whose answer nobody takes) to make room. */
    void makeRoom() throws SheepException {
        if (isFull()) {
            T done = awaitOldest();
            if (done != null) {
                release.accept(done);
            }
        }
    }

    /** Waits for every request in flight, in order; the first failure as a SheepException. */
    void awaitAll() throws SheepException {
        while (!inFlight.isEmpty()) {
            T done = awaitOldest();
            if (done != null) {
                release.accept(done);
            }
        }
    }

    /** Waits for every request still in flight, ignoring their failures (the first one is being reported). */
    @Override
    public void close() {
        for (CompletableFuture<T> f = inFlight.poll(); f != null; f = inFlight.poll()) {
            try {
                T abandoned = f.get();
                if (abandoned != null) {
                    release.accept(abandoned);
                }
            } catch (ExecutionException e) {
                // The first failure is the one being reported.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // Whatever is still in flight releases its own result when it completes.
                inFlight.addFirst(f);
                inFlight.forEach(rest -> rest.thenAccept(r -> {
                    if (r != null) {
                        release.accept(r);
                    }
                }));
                inFlight.clear();
                return;
            }
        }
    }
}
