package io.sheepdog.daemon.testing.cluster;

import java.time.Duration;
import java.util.Optional;

/**
 * Waits for a condition by polling it until a deadline: the cluster's state changes asynchronously (membership
 * views, epochs committed through Raft), so tests look until it holds instead of sleeping a guessed time. A probe
 * answers either a value (done) or a reason it is not there yet; at the deadline the last reason is the message.
 */
public final class Poll {
    private static final long INTERVAL_MILLIS = 50;

    private Poll() {
    }

    /** One look at the condition. */
    @FunctionalInterface
    public interface Probe<T> {
        /**
         * @return the value once the condition holds, else empty
         * @throws Exception a failure that counts as "not yet" (a node still starting refuses connections); its
         *                   message becomes the reason shown if the deadline passes
         */
        Optional<T> look(StringBuilder whyNot) throws Exception;
    }

    /**
     * Polls {@code probe} every 50 ms until it yields a value.
     *
     * @throws AssertionError if it yields none within {@code timeout}, with {@code what} and the last reason
     */
    public static <T> T until(String what, Duration timeout, Probe<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastReason = "never looked";
        while (true) {
            StringBuilder whyNot = new StringBuilder();
            try {
                Optional<T> value = probe.look(whyNot);
                if (value.isPresent()) {
                    return value.get();
                }
                lastReason = whyNot.length() > 0 ? whyNot.toString() : "condition false";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                lastReason = e.toString();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + ": " + lastReason);
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
