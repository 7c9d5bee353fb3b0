package io.sheepdog.daemon.vdi;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Holds back the writes (writes, zeroes, discards) to one VDI while a snapshot copies its map, so the snapshot holds
 * every write acknowledged before it and none admitted after it. {@link #close} stops admitting and completes once
 * the writes admitted before have finished; {@link #open} lets the held ones in. One per node ({@link VdiIo}'s).
 */
final class WriteFence {
    private static final CompletableFuture<Void> ADMITTED = CompletableFuture.completedFuture(null);

    /** The fence state of one VDI. */
    private static final class Gate {
        int inFlight;
        /** Completed when the fence opens again; null while it is open. */
        CompletableFuture<Void> reopened;
        /** Completed when no admitted write is left; null while the fence is open. */
        CompletableFuture<Void> drained;
        long generation;
    }

    private final Map<Integer, Gate> gates = new HashMap<>();

    /**
     * Completes when a write to {@code vid} may start (at once while the fence is open); the caller then owes one
     * {@link #leave}.
     */
    synchronized CompletableFuture<Void> enter(int vid) {
        Gate g = gates.computeIfAbsent(vid, v -> new Gate());
        if (g.reopened != null) {
            return g.reopened.thenCompose(v -> enter(vid));
        }
        g.inFlight++;
        return ADMITTED;
    }

    /** A write admitted by {@link #enter} finished. */
    synchronized void leave(int vid) {
        Gate g = gates.get(vid);
        g.inFlight--;
        if (g.inFlight == 0 && g.drained != null) {
            g.drained.complete(null);
        }
    }

    /**
     * Stops admitting writes to {@code vid}.
     *
     * @return the generation of this closing (for {@link #open(int, long)}) and, through {@link #drained}, when the
     *         admitted writes are done
     */
    synchronized long close(int vid) {
        Gate g = gates.computeIfAbsent(vid, v -> new Gate());
        if (g.reopened == null) {
            g.reopened = new CompletableFuture<>();
            g.drained = new CompletableFuture<>();
            g.generation++;
        }
        if (g.inFlight == 0) {
            g.drained.complete(null);
        }
        return g.generation;
    }

    /** Completes when no write admitted before the fence closed is left (at once if it is open). */
    synchronized CompletableFuture<Void> drained(int vid) {
        Gate g = gates.get(vid);
        return g == null || g.drained == null ? ADMITTED : g.drained;
    }

    /** Lets writes to {@code vid} in again. */
    void open(int vid) {
        release(vid, -1);
    }

    /** Lets writes to {@code vid} in again if the fence is still closed by closing {@code generation}. */
    void open(int vid, long generation) {
        release(vid, generation);
    }

    private void release(int vid, long generation) {
        CompletableFuture<Void> held;
        synchronized (this) {
            Gate g = gates.get(vid);
            if (g == null || g.reopened == null || (generation >= 0 && g.generation != generation)) {
                return;
            }
            held = g.reopened;
            g.reopened = null;
            g.drained = null;
        }
        held.complete(null); // outside the lock: the held writes enter now
    }
}
