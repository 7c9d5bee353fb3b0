package io.sheepdog.daemon.vdi;

import com.google.common.base.Ticker;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.LockHolder;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.VdiLock;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's side of the VDI write locks (docs/architecture.md, "Attach locks"): takes a working VDI's lock in the
 * cluster metadata when a client attaches to write it, shares it among that client's connections through this node
 * (multi-conn), releases it when the last of them closes, and lets a write go out only while the lock it carries is
 * the VDI's current one.
 *
 * <p>An attach that finds the lock held by another client waits, at most {@link LockTimings#attachWait()}, for it
 * to be released (the previous user detaching through another node a moment ago, the lease of a restarted gateway
 * ending) and is then refused with the holder named. A release that finds no majority is proposed again until it
 * applies or the lock is no longer this node's; if this daemon dies instead, the lease ends with its incarnation.
 */
public final class VdiLocks implements MetadataListener {
    private static final Logger LOG = LoggerFactory.getLogger(VdiLocks.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ClusterMetadataService metadata;
    private final Supplier<MemberInfo> self;
    private final Clock clock;
    private final Ticker ticker;
    private final ScheduledExecutorService scheduler;
    private final LockTimings timings;
    /** The attached clients, by VDI and client host. Guarded by {@code this}. */
    private final Map<Key, Held> attached = new HashMap<>();
    /** Releases in flight, which a new attach of the same client waits for. Guarded by {@code this}. */
    private final Map<Key, CompletableFuture<Void>> releasing = new HashMap<>();
    /** Attaches waiting for a lock to be released. Guarded by {@code this}. */
    private final List<Runnable> waiting = new ArrayList<>();

    /**
     * @param self   the daemon's own member record, read when a lock is taken (its incarnation is the lease)
     * @param clock  the time a lock records as its start
     * @param ticker the time the attach waits are measured on
     */
    public VdiLocks(ClusterMetadataService metadata, Supplier<MemberInfo> self, Clock clock, Ticker ticker,
                    ScheduledExecutorService scheduler, LockTimings timings) {
        this.metadata = metadata;
        this.self = self;
        this.clock = clock;
        this.ticker = ticker;
        this.scheduler = scheduler;
        this.timings = timings;
    }

    /**
     * Attaches {@code client} (its host address) to write the working VDI {@code name}: completes once the client
     * holds the VDI's lock, shares the lock of its other connections through this node, is a migration's standby,
     * or the VDI is shared; fails VDI_LOCKED, naming the holder, if another client still holds it after the wait.
     */
    public CompletableFuture<WriteAttachment> attach(String name, String client) {
        Key key = new Key(name, client);
        Held h;
        CompletableFuture<Void> before;
        synchronized (this) {
            h = attached.get(key);
            before = releasing.getOrDefault(key, DONE);
            if (h == null) {
                h = new Held(key, holder(client));
                attached.put(key, h);
                Held starting = h;
                long deadline = ticker.read() + timings.attachWait().toNanos();
                before.whenComplete((v, e) -> acquire(starting, deadline));
            }
            h.refs++;
        }
        Held granted = h;
        return h.granted.thenApply(v -> new WriteAttachment(granted));
    }

    /** The holder record of {@code client} attached through this daemon. */
    private LockHolder holder(String client) {
        MemberInfo me = self.get();
        return new LockHolder(client, me.id().toString(), me.address().hostPort(), me.incarnation());
    }

    private void acquire(Held h, long deadline) {
        String name = h.key.name();
        if (metadata.state().shared(name)) {
            h.granted.complete(null);
            return;
        }
        metadata.submit(new MetadataCommand.LockVdi(name, h.holder, clock.millis())).whenComplete((after, e) -> {
            if (e == null) {
                if (!h.adopt(after)) {
                    acquire(h, deadline); // moved on before this node read it: ask again
                }
                return;
            }
            Throwable cause = SheepException.unwrap(e);
            Outcome outcome = cause instanceof MetadataException me ? me.outcome() : Outcome.INTERNAL;
            boolean waitMore = ticker.read() < deadline;
            if (outcome == Outcome.VDI_LOCKED && waitMore) {
                waitForRelease(() -> acquire(h, deadline), deadline);
            } else if (outcome.retryable() && waitMore) {
                retryLater(() -> acquire(h, deadline), deadline);
            } else if (outcome == Outcome.INVALID && metadata.state().shared(name)) {
                h.granted.complete(null); // made shared meanwhile
            } else {
                fail(h, cause instanceof MetadataException me ? MetadataErrors.toSheep(me)
                        : SheepException.of(cause));
            }
        });
    }

    private void fail(Held h, SheepException e) {
        synchronized (this) {
            attached.remove(h.key, h);
        }
        h.granted.completeExceptionally(e);
    }

    /** Runs {@code retry} once: when a lock changes hands, or at the deadline, whichever comes first. */
    private void waitForRelease(Runnable retry, long deadline) {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            if (ran.compareAndSet(false, true)) {
                retry.run();
            }
        };
        synchronized (this) {
            waiting.add(once);
        }
        try {
            scheduler.schedule(once, Math.max(0, deadline - ticker.read()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            once.run();
        }
    }

    /** Runs {@code retry} after {@link LockTimings#releaseRetry()}, or at the deadline if that comes first. */
    private void retryLater(Runnable retry, long deadline) {
        long pause = Math.min(timings.releaseRetry().toNanos(), Math.max(0, deadline - ticker.read()));
        try {
            scheduler.schedule(retry, pause, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            retry.run();
        }
    }

    @Override
    public void applied(MetadataCommand command, CommandResult result, MetadataState after) {
        if (!result.ok() || !frees(command)) {
            return;
        }
        List<Runnable> wake;
        synchronized (this) {
            wake = List.copyOf(waiting);
            waiting.clear();
        }
        // Not on the engine's thread: each retry proposes a command.
        for (Runnable r : wake) {
            try {
                scheduler.execute(r);
            } catch (RejectedExecutionException closing) {
                r.run();
            }
        }
    }

    /** Whether {@code command} may have freed a lock (or made a VDI shared) that an attach waits for. */
    private static boolean frees(MetadataCommand command) {
        return command instanceof MetadataCommand.UnlockVdi || command instanceof MetadataCommand.ExpireVdiLock
                || command instanceof MetadataCommand.PassVdiLock
                || command instanceof MetadataCommand.MigrateVdiLock || command instanceof MetadataCommand.SetVdiShared
                || command instanceof MetadataCommand.DeleteVdi;
    }

    private void release(Held h) {
        synchronized (this) {
            if (--h.refs > 0) {
                return;
            }
            attached.remove(h.key, h);
            if (h.generation == 0 && !h.standby) {
                return; // shared, or never granted
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            releasing.put(h.key, done);
            done.whenComplete((v, e) -> {
                synchronized (this) {
                    releasing.remove(h.key, done);
                }
            });
            proposeRelease(h, done);
        }
    }

    /** Proposes the release of {@code h}'s lock (or its standby place) until it applies or is no longer its. */
    private void proposeRelease(Held h, CompletableFuture<Void> done) {
        String name = h.key.name();
        Optional<VdiLock> lock = metadata.state().lock(name);
        MetadataCommand release;
        if (lock.isPresent() && lock.get().holder().equals(h.holder)) {
            release = new MetadataCommand.UnlockVdi(name, lock.get().generation());
        } else if (lock.isPresent() && h.holder.equals(lock.get().standby())) {
            release = new MetadataCommand.MigrateVdiLock(name, lock.get().generation(), ""); // the destination left
        } else {
            done.complete(null); // broken, passed on or expired meanwhile
            return;
        }
        metadata.submit(release).whenComplete((after, e) -> {
            Throwable cause = e == null ? null : SheepException.unwrap(e);
            if (cause instanceof MetadataException me && me.outcome().retryable()) {
                LOG.warn("VDI {}: the release of its lock did not commit ({}); trying again", name, me.getMessage());
                try {
                    scheduler.schedule(() -> proposeRelease(h, done), timings.releaseRetry().toNanos(),
                            TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closing) {
                    done.complete(null); // the lease ends with this daemon
                }
                return;
            }
            if (cause != null && !(cause instanceof MetadataException)) {
                LOG.warn("VDI {}: the release of its lock failed: {}", name, cause.toString());
            }
            done.complete(null);
        });
    }

    /** A VDI and the client attached to write it. */
    private record Key(String name, String client) {
    }

    /** The lock of one client attached through this node, shared by its connections. */
    final class Held {
        private final Key key;
        private final LockHolder holder;
        private final CompletableFuture<Void> granted = new CompletableFuture<>();
        /** Guarded by the enclosing {@link VdiLocks}. */
        private int refs;
        private volatile long generation;
        private volatile boolean standby;
        /** The hand-over in flight, for a standby's first writes. Guarded by {@code this}. */
        private CompletableFuture<Void> passing;

        Held(Key key, LockHolder holder) {
            this.key = key;
            this.holder = holder;
        }

        String name() {
            return key.name();
        }

        long generation() {
            return generation;
        }

        boolean standby() {
            return standby;
        }

        void release() {
            VdiLocks.this.release(this);
        }

        /** Takes what {@code state} grants this holder; false if it grants nothing (the lock moved on already). */
        boolean adopt(MetadataState state) {
            Optional<VdiLock> l = state.lock(key.name());
            if (l.isPresent() && l.get().holder().equals(holder)) {
                generation = l.get().generation();
                standby = false;
            } else if (l.isPresent() && holder.equals(l.get().standby())) {
                generation = l.get().generation();
                standby = true;
            } else {
                return false;
            }
            granted.complete(null);
            return true;
        }

        /**
         * The permit of this holder's writes, asked before every attempt of each: refused VDI_LOCKED once the state
         * this node applied no longer grants this holder's generation. A write that waited for the epochs to agree
         * while this node was cut off asks again under the epoch it retries in, which came with the lock's release
         * ({@code ExpireVdiLock}), and fails.
         */
        void check() throws SheepException {
            if (standby || !metadata.state().writeAllowed(key.name(), generation)) {
                throw new SheepException(ResultCode.VDI_LOCKED, "this client lost the write lock of VDI "
                        + key.name() + " while its write was under way");
            }
        }

        CompletableFuture<Void> beforeWrite() {
            MetadataState s = metadata.state();
            if (!standby && s.writeAllowed(key.name(), generation)) {
                return DONE;
            }
            return changed(s);
        }

        private synchronized CompletableFuture<Void> changed(MetadataState s) {
            Optional<VdiLock> l = s.lock(key.name());
            if (l.isPresent() && l.get().holder().equals(holder)) {
                generation = l.get().generation(); // the source let go and this standby took over
                standby = false;
                return DONE;
            }
            if (l.isPresent() && holder.equals(l.get().standby())) {
                if (passing == null) {
                    passing = metadata.submit(new MetadataCommand.PassVdiLock(key.name(), l.get().generation(),
                            holder, clock.millis())).thenAccept(this::adopt).whenComplete((v, e) -> {
                                synchronized (this) {
                                    passing = null;
                                }
                            });
                }
                return passing.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        new SheepException(ResultCode.VDI_LOCKED, "VDI " + key.name()
                                + ": the migration's destination could not take the lock over: "
                                + SheepException.unwrap(e).getMessage())))
                        .thenCompose(v -> beforeWrite()); // taken over, or fenced if the lock moved on meanwhile
            }
            return CompletableFuture.failedFuture(new SheepException(ResultCode.VDI_LOCKED, "this client lost "
                    + "the write lock of VDI " + key.name() + ": " + l.map(VdiLock::describe)
                    .orElse("it was released (broken by an operator, or this node's lease ended)")));
        }
    }

    /** For tests: how many clients are attached through this node. */
    synchronized int attachedClients() {
        return attached.size();
    }
}
