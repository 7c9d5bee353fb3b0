package io.sheepdog.nbd.testutil;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition of a test, failing with what was awaited once the timeout passed. */
public final class Await {

    private Await() {
    }

    /** Looks at {@code condition} every 10 ms until it holds; an AssertionError naming {@code what} after timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
