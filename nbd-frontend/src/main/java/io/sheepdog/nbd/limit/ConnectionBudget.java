package io.sheepdog.nbd.limit;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Ticker;
import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's share of its server's {@link ByteBudget}. A request is admitted when its bytes fit both in the
 * share (a connection holding nothing may always take one request, as large as the server's maximum) and in the
 * server's budget; otherwise the {@link ReadGate} stops reading ({@link ReadGate.Reason#BUDGET}) until the connection
 * releases bytes of its own (share) or any connection of the server does (budget), and the decoder tries again.
 * So a client that does not read its replies holds at most its share, and the others keep being served.
 *
 * <p>Also remembers since when the payload of the request admitted last has been arriving, for the
 * unfinished-frame timeout ({@link ConnectionWatchdog}). {@link #close} gives everything back. Used on the
 * connection's event loop only.
 */
public final class ConnectionBudget implements Admission {

    /** {@link #payloadSince()} when no payload is being accumulated. */
    public static final long NO_PAYLOAD = Long.MIN_VALUE;

    private final ByteBudget server;
    private final long share;
    private final Channel channel;
    private final ReadGate gate;
    private final Ticker ticker;
    private long held;
    private long payloadSince = NO_PAYLOAD;
    private Runnable retry;
    private boolean closed;

    /**
     * @param server  the budget of every connection of the server
     * @param share   the most this connection may hold while it holds anything
     * @param channel the connection
     * @param gate    its read gate
     * @param ticker  the clock of the unfinished-frame timeout
     */
    public ConnectionBudget(ByteBudget server, long share, Channel channel, ReadGate gate, Ticker ticker) {
        checkArgument(share > 0, "share must be positive: %s", share);
        this.server = server;
        this.share = share;
        this.channel = channel;
        this.gate = gate;
        this.ticker = ticker;
    }

    @Override
    public boolean admit(long bytes, boolean payloadFollows, Runnable onRoom) {
        checkArgument(bytes >= 0, "negative reservation: %s", bytes);
        if (closed) {
            return false; // the connection is gone: nothing more is accepted
        }
        boolean withinShare = held == 0 || held + bytes <= share;
        if (!withinShare || !server.tryReserve(bytes)) {
            retry = onRoom;
            gate.hold(ReadGate.Reason.BUDGET, true);
            if (withinShare) {
                server.awaitFree(bytes, this::wake); // else our own release wakes us
            }
            return false;
        }
        held += bytes;
        if (payloadFollows) {
            payloadSince = ticker.read();
        }
        gate.hold(ReadGate.Reason.BUDGET, false);
        return true;
    }

    @Override
    public void payloadComplete() {
        payloadSince = NO_PAYLOAD;
    }

    @Override
    public void release(long bytes) {
        if (closed || bytes == 0) {
            return; // close gave everything back already
        }
        checkArgument(bytes > 0 && bytes <= held, "releasing %s of %s bytes held", bytes, held);
        held -= bytes;
        server.release(bytes);
        if (retry != null) {
            wake();
        }
    }

    @Override
    public void forceReserve(long bytes) {
        if (!closed) {
            held += bytes;
            server.forceReserve(bytes);
        }
    }

    /** Bytes this connection holds. */
    public long held() {
        return held;
    }

    /** Since when ({@link Ticker#read()}) the admitted payload has been arriving, or {@link #NO_PAYLOAD}. */
    public long payloadSince() {
        return payloadSince;
    }

    /** Whether a request waits for room. */
    public boolean waiting() {
        return retry != null;
    }

    /** The connection closed: gives back everything it held; later calls do nothing. */
    public void close() {
        if (!closed) {
            closed = true;
            retry = null;
            if (held > 0) {
                server.release(held);
            }
            held = 0;
        }
    }

    private void wake() {
        try {
            channel.eventLoop().execute(this::retryNow);
        } catch (RejectedExecutionException e) {
            // the event loop has terminated (server shut down): the connection is gone
        }
    }

    private void retryNow() {
        Runnable r = retry;
        if (closed || r == null) {
            return;
        }
        retry = null;
        r.run();
        if (retry == null) {
            gate.hold(ReadGate.Reason.BUDGET, false); // admitted, or nothing left that waits
        }
    }
}
