package io.sheepdog.daemon.peer;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Counts the store calls in flight per epoch, so that recovery reads at epoch {@code E} see every write accepted
 * under an older epoch. The epoch check of a request and its registration here happen under one lock: once this
 * node is at {@code E}, no call of an older epoch can enter, and {@link #drained(long)} completes when the last one
 * that entered before has left.
 */
final class EpochFence {

    private final LongSupplier epoch;
    /** Calls in flight by epoch. */
    private final TreeMap<Long, Integer> inFlight = new TreeMap<>();
    private final List<Waiter> waiters = new ArrayList<>();

    private record Waiter(long epoch, CompletableFuture<Void> drained) {
    }

    EpochFence(LongSupplier epoch) {
        this.epoch = epoch;
    }

    /**
     * Admits a call of {@code senderEpoch} if it is this node's epoch, and returns that epoch; the caller must
     * {@link #leave} it afterwards.
     *
     * @throws SheepException OLD_NODE_VER if the sender is behind, NEW_NODE_VER if this node is
     */
    synchronized long enter(long senderEpoch) throws SheepException {
        long own = epoch.getAsLong();
        if (senderEpoch != own) {
            ResultCode code = senderEpoch < own ? ResultCode.OLD_NODE_VER : ResultCode.NEW_NODE_VER;
            throw new SheepException(code, "epoch mismatch: request of epoch " + senderEpoch
                    + ", this node is at epoch " + own);
        }
        inFlight.merge(own, 1, Integer::sum);
        return own;
    }

    /** The call admitted at {@code admitted} finished. */
    void leave(long admitted) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (this) {
            inFlight.computeIfPresent(admitted, (e, n) -> n == 1 ? null : n - 1);
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (isDrained(w.epoch())) {
                    ready.add(w.drained());
                    it.remove();
                }
            }
        }
        ready.forEach(f -> f.complete(null)); // outside the lock: completions run the recovery reads
    }

    /**
     * Completes once this node is at {@code readerEpoch} or later and no call of an older epoch is in flight.
     *
     * @throws SheepException NEW_NODE_VER if this node is behind {@code readerEpoch}
     */
    synchronized CompletableFuture<Void> drained(long readerEpoch) throws SheepException {
        long own = epoch.getAsLong();
        if (own < readerEpoch) {
            throw new SheepException(ResultCode.NEW_NODE_VER, "this node is at epoch " + own
                    + ", behind the reader's epoch " + readerEpoch);
        }
        if (isDrained(readerEpoch)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.add(new Waiter(readerEpoch, f));
        return f;
    }

    private boolean isDrained(long readerEpoch) {
        return inFlight.isEmpty() || inFlight.firstKey() >= readerEpoch;
    }
}
