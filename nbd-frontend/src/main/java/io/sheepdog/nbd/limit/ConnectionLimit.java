package io.sheepdog.nbd.limit;

import static com.google.common.base.Preconditions.checkArgument;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most connections one port keeps open. A channel initializer asks {@link #admit} first: over the limit the new
 * connection is closed at once, before anything is sent on it, and {@link #admit} says so for the log. Thread-safe.
 */
public final class ConnectionLimit {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /** @param max the most connections open at once; positive */
    public ConnectionLimit(int max) {
        checkArgument(max > 0, "the connection limit must be positive: %s", max);
        this.max = max;
    }

    /**
     * Counts {@code channel} until it closes if the limit allows it, else closes it.
     *
     * @return whether the channel was admitted
     */
    public boolean admit(Channel channel) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    public int max() {
        return max;
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }
}
