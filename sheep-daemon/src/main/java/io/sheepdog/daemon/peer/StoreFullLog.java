package io.sheepdog.daemon.peer;

import io.sheepdog.store.NoSpaceException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator that this node's store is full: the first write it refuses for lack of space is logged at
 * WARN, and then at most one line a minute with the number refused meanwhile, so a client retrying in a loop does
 * not flood the log. The client itself gets NO_SPACE (ENOSPC over NBD) every time.
 */
final class StoreFullLog {
    private static final Logger LOG = LoggerFactory.getLogger(StoreFullLog.class);
    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final AtomicLong NEXT_REPORT = new AtomicLong(System.nanoTime());
    private static final AtomicLong REFUSED = new AtomicLong();

    private StoreFullLog() {
    }

    /** Counts one refused write, and logs it if the last report is a minute old. */
    static void refused(NoSpaceException e) {
        long refused = REFUSED.incrementAndGet();
        long now = System.nanoTime();
        long next = NEXT_REPORT.get();
        if (now - next >= 0 && NEXT_REPORT.compareAndSet(next, now + INTERVAL_NANOS)) {
            REFUSED.addAndGet(-refused);
            LOG.warn("store is full: refusing writes that need new space ({} refused since the last report); free "
                    + "space on this node's disk or delete VDIs. {}", refused, e.getMessage());
        }
    }
}
