package io.sheepdog.daemon.recovery;

import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery of one epoch on this node: plan, copy, wait for the other nodes, purge. {@link #run()} drives the
 * steps on a thread of its own; copies themselves are asynchronous, a few at a time. Cancelled when the epoch
 * moves on: waiting requests are let go (they then fail the epoch check and are retried under the new epoch).
 */
final class RecoveryRun {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryRun.class);
    private static final CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);

    enum State { PREPARING, RECOVERING, WAITING, DONE }

    /** One object's copy. */
    private static final class Copy {
        final RecoveryPlan.Task task;
        final AtomicBoolean started = new AtomicBoolean();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Copy(RecoveryPlan.Task task) {
            this.task = task;
        }
    }

    private final RecoveryManager manager;
    private final Placement.Snapshot snapshot;
    private final CompletableFuture<Void> planned = new CompletableFuture<>();
    private final Map<Long, Copy> copies = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Copy> queue = new LinkedBlockingQueue<>();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong purged = new AtomicLong();
    private final Object activity = new Object();
    private int active;
    private volatile long total;
    private volatile State state = State.PREPARING;
    private volatile boolean cancelled;
    private final long startNanos;

    RecoveryRun(RecoveryManager manager, Placement.Snapshot snapshot) {
        this.manager = manager;
        this.snapshot = snapshot;
        this.startNanos = manager.nanoTime();
    }

    long epoch() {
        return snapshot.epoch();
    }

    Placement.Snapshot snapshot() {
        return snapshot;
    }

    /** Completes when this node's copy of {@code oid} may be used in this run's epoch; starts its copy at once. */
    CompletableFuture<Void> ready(long oid) {
        if (cancelled) {
            return READY;
        }
        if (!planned.isDone()) {
            return planned.thenCompose(v -> readyPlanned(oid));
        }
        return readyPlanned(oid);
    }

    private CompletableFuture<Void> readyPlanned(long oid) {
        Copy c = copies.get(oid);
        if (c == null || cancelled) {
            return READY;
        }
        if (start(c)) {
            LOG.debug("object {} is needed now: copying it ahead of its turn", ObjectId.toString(oid));
        }
        return c.done;
    }

    void cancel() {
        cancelled = true;
        planned.complete(null);
        copies.values().forEach(c -> c.done.complete(null));
        synchronized (activity) {
            activity.notifyAll();
        }
    }

    RecoveryInfo info(NodeAddress self, long recoveredEpoch, long repaired, long throttle, int parallel) {
        return new RecoveryInfo(self.host(), self.port(), epoch(), state.name(), total, done.get(), failed.get(),
                bytes.get(), recoveredEpoch, purged.get(), repaired, throttle, parallel);
    }

    void run() {
        try {
            Map<NodeAddress, List<ObjectInfo>> lists = manager.collectLists(this);
            if (!manager.isCurrent(this)) {
                return;
            }
            RecoveryPlan plan = RecoveryPlan.compute(manager.self(), snapshot, manager.copiesOfVdi(),
                    manager::retired, lists);
            // Before anything is served: drop what was removed while this node was away (never resurrect it).
            for (long oid : plan.stale()) {
                manager.deleteLocal(oid);
                LOG.info("recovery of epoch {}: object {} was removed while this node was away or belongs to a "
                        + "deleted VDI; dropped", epoch(), ObjectId.toString(oid));
            }
            for (RecoveryPlan.Task t : plan.tasks()) {
                Copy c = new Copy(t);
                copies.put(t.oid(), c);
                queue.add(c);
            }
            total = plan.tasks().size();
            state = State.RECOVERING;
            planned.complete(null);
            LOG.info("recovery of epoch {}: {} objects ({} MiB) to copy", epoch(), total, plan.bytes() >> 20);
            copyAll();
            if (!manager.isCurrent(this)) {
                return;
            }
            manager.flushStore();
            manager.recoveredEpoch(epoch());
            state = State.WAITING;
            LOG.info("recovered epoch {}: {} objects copied, {} failed, {} MiB in {} ms; waiting for the other nodes",
                    epoch(), done.get(), failed.get(), bytes.get() >> 20,
                    TimeUnit.NANOSECONDS.toMillis(manager.nanoTime() - startNanos));
            if (!waitForOthers()) {
                return;
            }
            purge();
            if (manager.isCurrent(this)) {
                state = State.DONE;
                LOG.info("epoch {} recovered by every node; removed {} copies this node no longer owns", epoch(),
                        purged.get());
                manager.sweepRetired(true); // copies installed from the plan of an id retired meanwhile
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (StoreException | RuntimeException e) {
            LOG.error("recovery of epoch {} stopped: {}", epoch(), e.toString(), e);
        } finally {
            planned.complete(null); // never leave requests waiting for a plan that will not come
        }
    }

    /**
     * Starts copies in queue order within the throttle until every copy has finished or the run is cancelled. Every
     * finished copy and the cancellation wake the waits here ({@code activity}); the wait poll only bounds each wait.
     */
    private void copyAll() throws InterruptedException {
        long pollMillis = Math.max(1, manager.config().waitPoll().toMillis());
        while (manager.isCurrent(this) && done.get() + failed.get() < total) {
            Copy c = queue.poll();
            if (c == null) {
                synchronized (activity) {
                    if (manager.isCurrent(this) && done.get() + failed.get() < total) {
                        activity.wait(pollMillis); // every copy has started: wait for them to finish
                    }
                }
                continue;
            }
            if (c.started.get()) {
                continue;
            }
            synchronized (activity) {
                while (active >= manager.throttle().parallel() && manager.isCurrent(this)) {
                    activity.wait(pollMillis);
                }
            }
            manager.throttle().acquire(c.task.bytes());
            start(c);
        }
    }

    /** Starts copying {@code c} unless it started already; true if this call started it. */
    private boolean start(Copy c) {
        if (!c.started.compareAndSet(false, true)) {
            return false;
        }
        synchronized (activity) {
            active++;
        }
        fetch(c, 0);
        return true;
    }

    private void fetch(Copy c, int attempt) {
        List<NodeAddress> sources = c.task.sources();
        NodeAddress source = sources.get(attempt % sources.size());
        manager.on(source, p -> p.getObject(epoch(), c.task.oid())).whenCompleteAsync((image, error) -> {
            if (cancelled) {
                finish(c, null);
            } else if (error == null) {
                installed(c, image);
            } else {
                SheepException e = SheepException.of(error);
                if (retryable(e.result())) {
                    LOG.debug("copy of {} from {}: {}; trying again", ObjectId.toString(c.task.oid()),
                            source.hostPort(), e.getMessage());
                    retryLater(c, attempt + 1);
                } else if (attempt + 1 < sources.size()) {
                    LOG.warn("copy of object {} from {} failed ({}); trying the next node holding it",
                            ObjectId.toString(c.task.oid()), source.hostPort(), e.getMessage());
                    fetch(c, attempt + 1);
                } else {
                    finish(c, new SheepException(ResultCode.EIO, "object " + ObjectId.toString(c.task.oid())
                            + " could not be recovered: no node holding version " + c.task.version()
                            + " could provide it (last: " + source.hostPort() + ": " + e.getMessage() + ")", e));
                }
            }
        }, manager.workerExecutor());
    }

    /** Fetches {@code c} again after the retry pause (from the next source). */
    private void retryLater(Copy c, int attempt) {
        try {
            manager.retryLater(() -> fetch(c, attempt));
        } catch (RejectedExecutionException e) {
            finish(c, new SheepException(ResultCode.SHUTDOWN, "object " + ObjectId.toString(c.task.oid())
                    + " was not recovered: sheep is shutting down", e));
        }
    }

    private void installed(Copy c, ObjectImage image) {
        try {
            if (manager.install(image)) {
                bytes.addAndGet(image.allocatedBytes());
            }
            finish(c, null);
        } catch (StoreException e) {
            finish(c, new SheepException(ResultCode.EIO, "object " + ObjectId.toString(c.task.oid())
                    + " could not be stored while recovering it: " + e.getMessage(), e));
        }
    }

    private void finish(Copy c, SheepException failure) {
        if (failure == null) {
            done.incrementAndGet();
            c.done.complete(null);
        } else {
            LOG.error("{}", failure.getMessage());
            failed.incrementAndGet();
            c.done.completeExceptionally(failure);
        }
        synchronized (activity) {
            active--;
            activity.notifyAll();
        }
    }

    private static boolean retryable(ResultCode code) {
        return code == ResultCode.NETWORK_ERROR || code == ResultCode.NEW_NODE_VER
                || code == ResultCode.OLD_NODE_VER || code == ResultCode.SHUTDOWN;
    }

    /** Waits until every data node of the epoch has recovered it; false if the run was cancelled first. */
    private boolean waitForOthers() throws InterruptedException {
        for (NodeAddress node : snapshot.dataNodes()) {
            if (node.id().equals(manager.self())) {
                continue;
            }
            while (true) {
                if (!manager.isCurrent(this)) {
                    return false;
                }
                try {
                    if (manager.await(manager.peerInfo(node)).recoveredEpoch() >= epoch()) {
                        break;
                    }
                } catch (SheepException e) {
                    LOG.debug("recovery state of {}: {}", node.hostPort(), e.getMessage());
                }
                manager.pause(manager.config().waitPoll());
            }
        }
        return true;
    }

    /**
     * Removes the copies this epoch does not place on this node, each only if every node it places the object on
     * lists it at least as new as this copy.
     */
    private void purge() throws InterruptedException, StoreException {
        Map<NodeAddress, List<ObjectInfo>> lists = manager.collectLists(this);
        if (!manager.isCurrent(this)) {
            return;
        }
        Map<NodeAddress, Map<Long, ObjectInfo>> byNode = new java.util.HashMap<>();
        lists.forEach((node, list) -> byNode.put(node, manager.index(list)));
        for (ObjectInfo mine : manager.localObjects()) {
            if (!manager.isCurrent(this)) {
                return;
            }
            List<NodeAddress> owners = snapshot.replicas(mine.oid(), manager.copiesOf(mine.oid()));
            if (owners.stream().anyMatch(n -> n.id().equals(manager.self()))) {
                continue;
            }
            boolean safe = !owners.isEmpty() && owners.stream().allMatch(n -> {
                ObjectInfo theirs = byNode.getOrDefault(n, Map.of()).get(mine.oid());
                return theirs != null && theirs.version().compareTo(mine.version()) >= 0;
            });
            if (safe) {
                manager.deleteLocal(mine.oid());
                purged.incrementAndGet();
            } else {
                LOG.warn("keeping object {} (version {}): this node no longer owns it, but not every owner holds it"
                        + " as new", ObjectId.toString(mine.oid()), mine.version());
            }
        }
    }
}
