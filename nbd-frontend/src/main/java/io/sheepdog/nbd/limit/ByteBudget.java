package io.sheepdog.nbd.limit;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one server may hold in flight, shared by all its connections: requests decoded and not finished
 * (write payloads included), frames being accumulated, replies not yet written to the socket. A connection reserves
 * before it accepts a request ({@link #tryReserve}) and releases when the bytes are gone; a connection refused waits
 * ({@link #awaitFree}) without reading from its socket. Thread-safe.
 */
public final class ByteBudget {

    /** A connection waiting for {@code bytes} to be free. */
    private record Waiter(long bytes, Runnable wake) {
    }

    private final long capacity;
    private final AtomicLong used = new AtomicLong();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    /** @param capacity the bytes all connections together may hold; positive */
    public ByteBudget(long capacity) {
        checkArgument(capacity > 0, "capacity must be positive: %s", capacity);
        this.capacity = capacity;
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved now (may exceed the capacity by what was {@link #forceReserve}d). */
    public long used() {
        return used.get();
    }

    /** Reserves {@code bytes} if that keeps the total within the capacity. */
    public boolean tryReserve(long bytes) {
        checkArgument(bytes >= 0, "negative reservation: %s", bytes);
        while (true) {
            long now = used.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /**
     * Counts {@code bytes} that exist already (a reply larger than what its request reserved): they may take the
     * total past the capacity, which then refuses every new request until enough is released.
     */
    public void forceReserve(long bytes) {
        checkArgument(bytes >= 0, "negative reservation: %s", bytes);
        used.addAndGet(bytes);
    }

    /** Gives back {@code bytes} and wakes the connections waiting for room. */
    public void release(long bytes) {
        checkArgument(bytes >= 0, "negative release: %s", bytes);
        if (used.addAndGet(-bytes) < 0) {
            throw new IllegalStateException("released more than was reserved");
        }
        if (!waiters.isEmpty()) {
            wakeAll();
        }
    }

    /**
     * Runs {@code wake} (on the releasing thread, so it should only hand over to its own event loop) once
     * {@code bytes} may be free; the woken connection tries again and waits again if another took the room first.
     */
    public void awaitFree(long bytes, Runnable wake) {
        waiters.add(new Waiter(bytes, wake));
        // a release between the refusal and the line above would have found no waiter to wake
        if (used.get() + bytes <= capacity) {
            wakeAll();
        }
    }

    private void wakeAll() {
        Waiter w;
        while ((w = waiters.poll()) != null) {
            w.wake().run();
        }
    }
}
