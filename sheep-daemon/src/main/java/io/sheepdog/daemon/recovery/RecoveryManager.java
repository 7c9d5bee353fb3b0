package io.sheepdog.daemon.recovery;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.Striped;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.LocalPeerOps;
import io.sheepdog.daemon.peer.ObjectGate;
import io.sheepdog.daemon.peer.PeerConnections;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.peer.PeerRouter;
import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.daemon.peer.Scheduler;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers this node's objects after every epoch change (see the package documentation for the steps) and holds
 * back requests for objects not recovered yet ({@link ObjectGate}). One {@link RecoveryRun} per epoch runs its plan,
 * copy and purge steps on a thread of its own; {@link #epochChanged()} cancels a run whose epoch is no longer the
 * current one and starts the next. Its waits ({@link RecoveryConfig}) run on the {@link Scheduler} and the time is read
 * from the {@link Ticker} it is given, so tests step them.
 */
public final class RecoveryManager implements ObjectGate, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryManager.class);
    private static final byte[] RECOVERED_EPOCH_KEY = "recovery/recovered-epoch".getBytes(StandardCharsets.UTF_8);
    private static final byte[] THROTTLE_KEY = "recovery/throttle".getBytes(StandardCharsets.UTF_8);
    private static final CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);

    private final RecoveryConfig config;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Placement placement;
    private final IntUnaryOperator copiesOfVdi;
    private final Supplier<Set<Integer>> retiredVids;
    /** Whether a sweep is queued or running; how many retired ids the last one saw. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile int sweptRetired = -1;
    private final LocalPeerOps local;
    private final PeerRouter peers;
    private final ObjectStore store;
    private final MetadataStore metadata;
    private final BooleanSupplier clusterRunning;
    private final RecoveryThrottle throttle = new RecoveryThrottle();
    private final Executor worker;
    private final Runnable stopWorker;
    private final Striped<Lock> installLocks = Striped.lock(256);
    private final RecoveryMetrics metrics;
    private final LongSupplier repairedReplicas;
    private volatile RecoveryRun current;
    private volatile long recoveredEpoch;
    private volatile boolean closed;

    /**
     * @param placement        the current epoch's placement
     * @param copiesOfVdi      the copy count of a VDI id
     * @param retiredVids      the ids of deleted VDIs, as this node applied them: their objects are garbage
     * @param local            this node's replicas, not held back by any gate (recovery reads itself like any peer)
     * @param connections      connections to the other nodes
     * @param store            this node's store, where recovered copies are installed
     * @param metadata         this node's local metadata (the last recovered epoch and the throttle survive restarts)
     * @param clusterRunning   whether the cluster is running (no recovery while it waits for nodes)
     * @param metrics          where recovered objects are counted
     * @param repairedReplicas how many replicas the gateway repaired (reported in {@link #info})
     * @param config           the waits
     * @param ticker           the time runs are measured in
     * @param scheduler        where the waits run
     */
    public RecoveryManager(Placement placement, IntUnaryOperator copiesOfVdi, Supplier<Set<Integer>> retiredVids,
                           LocalPeerOps local, PeerConnections connections, ObjectStore store,
                           MetadataStore metadata, BooleanSupplier clusterRunning, RecoveryMetrics metrics,
                           LongSupplier repairedReplicas, RecoveryConfig config, Ticker ticker, Scheduler scheduler)
            throws StoreException {
        this(placement, copiesOfVdi, retiredVids, local, connections, store, metadata, clusterRunning, metrics,
                repairedReplicas, config, ticker, scheduler, Executors.newCachedThreadPool(r -> {
                    Thread th = new Thread(r, "sheep-recovery");
                    th.setDaemon(true);
                    return th;
                }));
    }

    /** As above, with runs and copy completions on {@code worker} (a test runs them on its own thread). */
    RecoveryManager(Placement placement, IntUnaryOperator copiesOfVdi, Supplier<Set<Integer>> retiredVids,
                    LocalPeerOps local, PeerConnections connections, ObjectStore store, MetadataStore metadata,
                    BooleanSupplier clusterRunning, RecoveryMetrics metrics, LongSupplier repairedReplicas,
                    RecoveryConfig config, Ticker ticker, Scheduler scheduler, Executor worker)
            throws StoreException {
        this.config = Objects.requireNonNull(config, "config");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.stopWorker = worker instanceof ExecutorService es ? es::shutdownNow : () -> { };
        this.placement = Objects.requireNonNull(placement, "placement");
        this.copiesOfVdi = Objects.requireNonNull(copiesOfVdi, "copiesOfVdi");
        this.retiredVids = Objects.requireNonNull(retiredVids, "retiredVids");
        this.local = Objects.requireNonNull(local, "local");
        this.peers = new PeerRouter(placement.self(), local, connections);
        this.store = Objects.requireNonNull(store, "store");
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.clusterRunning = Objects.requireNonNull(clusterRunning, "clusterRunning");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.repairedReplicas = Objects.requireNonNull(repairedReplicas, "repairedReplicas");
        this.recoveredEpoch = metadata.get(RECOVERED_EPOCH_KEY).map(RecoveryManager::decodeLong).orElse(0L);
        Optional<byte[]> t = metadata.get(THROTTLE_KEY);
        if (t.isPresent()) {
            String[] parts = new String(t.get(), StandardCharsets.UTF_8).split(" ");
            throttle.set(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
        }
    }

    /** Starts a run for the current epoch if it has none and the cluster runs; cancels a run of an older epoch. */
    public synchronized void epochChanged() {
        if (closed) {
            return;
        }
        Placement.Snapshot snap = placement.snapshot();
        RecoveryRun run = current;
        if (run != null && run.epoch() == snap.epoch()) {
            return;
        }
        boolean member = snap.dataNodes().stream().anyMatch(n -> n.id().equals(placement.self()));
        if (snap.epoch() == 0 || !clusterRunning.getAsBoolean()) {
            return;
        }
        // The new run is in place before the old one lets its waiters go: they ask it (see ready), also when they
        // run on this thread, inside cancel().
        RecoveryRun next = member ? new RecoveryRun(this, snap) : null;
        current = next;
        if (run != null) {
            run.cancel();
        }
        if (next != null) {
            worker.execute(next::run);
        }
    }

    @Override
    public CompletableFuture<Void> ready(long oid) {
        RecoveryRun seen = current;
        if (seen == null || seen.epoch() != placement.epoch()) {
            // The epoch moved and the listener has not started its run yet: a request of the new epoch must wait
            // for the new plan, not pass the old run's gate (this node may be a new owner still missing the object).
            epochChanged();
        }
        RecoveryRun run = current;
        if (run == null) {
            return READY;
        }
        CompletableFuture<Void> f = run.ready(oid);
        if (f.isDone() && !f.isCompletedExceptionally()) {
            return READY;
        }
        // A cancelled run lets its waiters go: they ask the run that replaced it.
        return f.handle((v, t) -> t).thenCompose(t -> {
            if (current != run && current != null) {
                return ready(oid);
            }
            return t == null ? READY : CompletableFuture.failedFuture(t);
        });
    }

    /** This node's recovery state. */
    public RecoveryInfo info(NodeAddress self) {
        RecoveryRun run = current;
        long throttleRate = throttle.bytesPerSecond();
        int parallel = throttle.parallel();
        long repaired = repairedReplicas.getAsLong();
        if (run == null) {
            return new RecoveryInfo(self.host(), self.port(), 0, "IDLE", 0, 0, 0, 0, recoveredEpoch, 0, repaired,
                    throttleRate, parallel);
        }
        return run.info(self, recoveredEpoch, repaired, throttleRate, parallel);
    }

    /** Sets this node's throttle and keeps it across restarts. */
    public void setThrottle(long bytesPerSecond, int parallel) throws SheepException {
        try {
            throttle.set(bytesPerSecond, parallel);
        } catch (IllegalArgumentException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS, e.getMessage(), e);
        }
        try {
            metadata.put(THROTTLE_KEY, (bytesPerSecond + " " + parallel).getBytes(StandardCharsets.UTF_8));
        } catch (StoreException e) {
            throw new SheepException(ResultCode.EIO, "cannot save the recovery throttle: " + e.getMessage(), e);
        }
        LOG.info("recovery throttle set to {} and {} objects at once",
                bytesPerSecond == 0 ? "no bandwidth limit" : (bytesPerSecond >> 10) + " KiB/s", parallel);
    }

    @Override
    public synchronized void close() {
        closed = true;
        RecoveryRun run = current;
        if (run != null) {
            run.cancel();
        }
        stopWorker.run();
    }

    // ---- services for runs ----

    Executor workerExecutor() {
        return worker;
    }

    RecoveryConfig config() {
        return config;
    }

    /** The time, for measuring runs. */
    long nanoTime() {
        return ticker.read();
    }

    /** Runs {@code task} on the worker after the retry pause. */
    void retryLater(Runnable task) {
        scheduler.schedule(() -> worker.execute(task), config.retryPause());
    }

    /** Blocks the run's thread for {@code d}. */
    void pause(Duration d) throws InterruptedException {
        scheduler.sleep(d);
    }

    RecoveryThrottle throttle() {
        return throttle;
    }

    boolean isCurrent(RecoveryRun run) {
        return current == run && !closed;
    }

    int copiesOf(long oid) {
        return copiesOfVdi.applyAsInt(ObjectId.vid(oid));
    }

    IntUnaryOperator copiesOfVdi() {
        return copiesOfVdi;
    }

    io.sheepdog.membership.NodeId self() {
        return placement.self();
    }

    /** Runs {@code op} on {@code node}'s replicas (this node's directly). */
    <T> CompletableFuture<T> on(NodeAddress node, Function<PeerOps, CompletableFuture<T>> op) {
        return peers.on(node, op);
    }

    /** The recovery state of another node (a control call on the peer connection). */
    CompletableFuture<RecoveryInfo> peerInfo(NodeAddress node) {
        return peers.connection(node).thenApplyAsync(p -> {
            try {
                return p.connection().recovery();
            } catch (SheepException e) {
                throw new CompletionException(e);
            }
        }, worker);
    }

    /**
     * Installs a recovered copy unless the local one is at least as new by now (a write or a later run got there
     * first), so installs never move a replica backwards.
     *
     * @return true if installed
     */
    boolean install(ObjectImage image) throws StoreException {
        Lock lock = installLocks.get(image.oid());
        lock.lock();
        try {
            Optional<ObjectInfo> have = store.stat(image.oid());
            if (have.isPresent() && have.get().version().compareTo(image.version()) >= 0) {
                return false;
            }
            store.install(image, false);
            metrics.installed(image.allocatedBytes());
            return true;
        } finally {
            lock.unlock();
        }
    }

    void flushStore() throws StoreException {
        store.flush();
    }

    void deleteLocal(long oid) throws StoreException {
        store.delete(oid);
    }

    /** Whether {@code vid} belongs to a deleted VDI: nothing reads its objects, they are never recovered. */
    boolean retired(int vid) {
        return retiredVids.get().contains(vid);
    }

    /**
     * Removes this node's replicas of deleted VDIs' ids, in the background, if ids were retired since the last sweep
     * (or {@code always}). What a gateway's reclaim misses ends here: objects of a node that was down during the
     * delete, and those a crash between the delete's commit and its removals left. Nothing can read them: a retired
     * id is never given again and no table entry names it. Call it on every applied metadata change; a recovery run
     * calls it when it is done, for copies it installed from a plan made before an id was retired.
     */
    public void sweepRetired(boolean always) {
        int retired = retiredVids.get().size();
        if (closed || (!always && retired == sweptRetired) || !sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    sweptRetired = retired;
                    int removed = removeRetired();
                    if (removed > 0) {
                        LOG.info("removed {} replicas of deleted VDIs", removed);
                    }
                } catch (StoreException | RuntimeException e) {
                    sweptRetired = -1; // try again next time
                    LOG.warn("sweep of deleted VDIs' replicas failed: {}", e.toString());
                } finally {
                    sweeping.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            sweeping.set(false);
        }
    }

    private int removeRetired() throws StoreException {
        Set<Integer> retired = retiredVids.get();
        List<Long> garbage = new ArrayList<>();
        store.forEachObject(oid -> {
            if (retired.contains(ObjectId.vid(oid))) {
                garbage.add(oid);
            }
        });
        for (long oid : garbage) {
            store.delete(oid);
        }
        return garbage.size();
    }

    List<ObjectInfo> localObjects() throws StoreException {
        return local.localObjects();
    }

    void recoveredEpoch(long epoch) throws StoreException {
        metadata.put(RECOVERED_EPOCH_KEY, Long.toString(epoch).getBytes(StandardCharsets.UTF_8));
        recoveredEpoch = epoch;
    }

    long recoveredEpoch() {
        return recoveredEpoch;
    }

    /** Every data node's object list at the run's epoch, asking again while a node is behind or unreachable. */
    Map<NodeAddress, List<ObjectInfo>> collectLists(RecoveryRun run) throws InterruptedException {
        Map<NodeAddress, List<ObjectInfo>> lists = new LinkedHashMap<>();
        for (NodeAddress node : run.snapshot().dataNodes()) {
            List<ObjectInfo> list = null;
            while (list == null) {
                if (!isCurrent(run)) {
                    return Map.of();
                }
                try {
                    list = await(on(node, p -> p.listObjects(run.epoch())));
                } catch (SheepException e) {
                    LOG.debug("object list of {} for epoch {}: {}; asking again", node.hostPort(), run.epoch(),
                            e.getMessage());
                    pause(config.retryPause());
                }
            }
            lists.put(node, list);
        }
        return lists;
    }

    /** The answer of a peer call, or NETWORK_ERROR once it took longer than the call timeout. */
    <T> T await(CompletableFuture<T> f) throws SheepException, InterruptedException {
        try {
            return f.get(config.callTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw SheepException.of(e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new SheepException(ResultCode.NETWORK_ERROR, "no answer within " + config.callTimeout().toSeconds()
                    + " s", e);
        }
    }

    Map<Long, ObjectInfo> index(List<ObjectInfo> list) {
        Map<Long, ObjectInfo> m = new HashMap<>(list.size() * 2);
        list.forEach(i -> m.put(i.oid(), i));
        return m;
    }

    private static long decodeLong(byte[] b) {
        return Long.parseLong(new String(b, StandardCharsets.UTF_8));
    }
}
