package io.sheepdog.nbd.limit;

import com.google.common.base.Ticker;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Closes a connection past one of its {@link ServerLimits} timeouts: a handshake not finished in time (the time the
 * server spends on lookups for it, {@link #pauseClock}, does not count), a payload that keeps not arriving while we
 * read, replies not read while the connection holds budget, and idleness (nothing read and nothing in flight). It
 * looks every quarter of the shortest timeout (10 ms to 1 s), reading the time from a {@link Ticker}, and says
 * why in the {@link RateLimitedLog}. Used on the channel's event loop only.
 */
public final class ConnectionWatchdog extends ChannelDuplexHandler {

    /** The name of the stage. */
    public static final String NAME = "watchdog";

    private static final long NOT_SINCE = -1;
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ServerLimits limits;
    private final ConnectionBudget budget;
    private final ReadGate gate;
    private final Ticker ticker;
    private final RateLimitedLog log;
    private final String what;
    private BooleanSupplier busy = () -> false;
    private ScheduledFuture<?> timer;
    private boolean established;
    private long openedAt;
    private long lastActive;
    private long lastTick;
    private long clockPausedSince = NOT_SINCE;
    private long pausedNanos;
    private long unwritableSince = NOT_SINCE;
    private long framePayloadSince = ConnectionBudget.NO_PAYLOAD;
    private long frameReadingNanos;

    /**
     * @param limits the timeouts
     * @param budget the connection's budget (what it holds, its payload clock)
     * @param gate   the connection's read gate (a payload cannot arrive while we do not read)
     * @param ticker the clock
     * @param log    where closes are reported
     * @param what   the server's name in log lines ("NBD", "sheep")
     */
    public ConnectionWatchdog(ServerLimits limits, ConnectionBudget budget, ReadGate gate, Ticker ticker,
                              RateLimitedLog log, String what) {
        this.limits = limits;
        this.budget = budget;
        this.gate = gate;
        this.ticker = ticker;
        this.log = log;
        this.what = what;
    }

    /** The handshake is over (or the protocol has none); the handshake timeout no longer applies. */
    public void established() {
        established = true;
        lastActive = ticker.read();
    }

    /** Stops ({@code true}) or restarts the handshake clock while the server works for the client. */
    public void pauseClock(boolean paused) {
        long now = ticker.read();
        if (paused && clockPausedSince == NOT_SINCE) {
            clockPausedSince = now;
        } else if (!paused && clockPausedSince != NOT_SINCE) {
            pausedNanos += now - clockPausedSince;
            clockPausedSince = NOT_SINCE;
        }
    }

    /** What says the connection has requests in flight, which keeps it from being idle. */
    public void busyWhile(BooleanSupplier requestsInFlight) {
        this.busy = requestsInFlight;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long now = ticker.read();
        openedAt = now;
        lastActive = now;
        lastTick = now;
        long tick = tickNanos();
        if (tick > 0) {
            timer = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), tick, tick, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastActive = ticker.read();
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        unwritableSince = ctx.channel().isWritable() ? NOT_SINCE : ticker.read();
        super.channelWritabilityChanged(ctx);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void tick(ChannelHandlerContext ctx) {
        long now = ticker.read();
        String why = check(now);
        lastTick = now;
        if (why != null && ctx.channel().isActive()) {
            log.warn("{} client {} closed: {}", what, ctx.channel().remoteAddress(), why);
            stop();
            ctx.close();
        }
    }

    /** Why the connection is to be closed now, or null. */
    private String check(long now) {
        if (!established && on(limits.handshakeTimeout())) {
            long paused = pausedNanos + (clockPausedSince == NOT_SINCE ? 0 : now - clockPausedSince);
            if (now - openedAt - paused >= limits.handshakeTimeout().toNanos()) {
                return "handshake not finished within " + limits.handshakeTimeout();
            }
        }
        long since = budget.payloadSince();
        if (since != framePayloadSince) {
            framePayloadSince = since;
            frameReadingNanos = 0;
        } else if (since != ConnectionBudget.NO_PAYLOAD && !gate.closed()) {
            frameReadingNanos += now - lastTick; // only the time we were reading counts against the client
        }
        if (on(limits.frameTimeout()) && frameReadingNanos >= limits.frameTimeout().toNanos()) {
            return "a request's payload did not arrive within " + limits.frameTimeout();
        }
        if (on(limits.stallTimeout()) && unwritableSince != NOT_SINCE && budget.held() > 0
                && now - unwritableSince >= limits.stallTimeout().toNanos()) {
            return "it held " + budget.held() + " bytes of replies and requests while not reading its replies for "
                    + limits.stallTimeout();
        }
        if (busy.getAsBoolean() || budget.held() > 0 || clockPausedSince != NOT_SINCE) {
            lastActive = now;
        } else if (established && on(limits.idleTimeout()) && now - lastActive >= limits.idleTimeout().toNanos()) {
            return "idle for " + limits.idleTimeout();
        }
        return null;
    }

    private long tickNanos() {
        long shortest = Long.MAX_VALUE;
        for (Duration d : new Duration[] {limits.handshakeTimeout(), limits.idleTimeout(), limits.stallTimeout(),
                limits.frameTimeout()}) {
            if (on(d)) {
                shortest = Math.min(shortest, d.toNanos());
            }
        }
        return shortest == Long.MAX_VALUE ? 0 : Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, shortest / 4));
    }

    private static boolean on(Duration d) {
        return !d.isZero();
    }
}
