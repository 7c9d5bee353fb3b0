package io.sheepdog.daemon.peer;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.proto.ReplicaDigest;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * The replicas this node stores, offered to gateways (its own directly, its peers' through the sheep protocol).
 * Store calls block on disk I/O, so they run on {@code ioExecutor}, never on the caller's (event loop) thread.
 *
 * <ul>
 * <li>Epochs: a request of another epoch is refused (OLD_NODE_VER or NEW_NODE_VER, nothing applied). The check runs
 *     on the I/O thread right before the store call and registers the call with an {@link EpochFence}, so the
 *     recovery reads ({@link #listObjects}, {@link #getObject}) of a newer epoch wait for every call admitted under
 *     an older one. Writes are stamped with the checked epoch.</li>
 * <li>Recovery: a request for an object the {@link ObjectGate} holds back (this node is recovering it) waits until
 *     it is recovered, so an empty or stale replica is never served or written.</li>
 * <li>Missing replicas: an object exists from its creating write (a {@link WriteMode} that creates) until it is
 *     removed. Reading, writing {@link WriteMode#EXISTING}, zeroing or querying a replica this node does not hold
 *     fails NO_OBJ: the replica was lost (or never recovered), and answering zeroes or creating it afresh would
 *     lose its data.</li>
 * </ul>
 */
public final class LocalPeerOps implements PeerOps {

    private final ObjectStore store;
    private final Executor ioExecutor;
    private final LongSupplier epoch;
    private final EpochFence fence;
    private final ObjectGate gate;

    /**
     * This node's replicas with nothing held back ({@link ObjectGate#OPEN}): what recovery itself reads. Gateways
     * and the peer server use {@link #gatedBy} of it.
     *
     * @param store      this node's store
     * @param ioExecutor where blocking store calls run
     * @param epoch      this node's current epoch
     */
    public LocalPeerOps(ObjectStore store, Executor ioExecutor, LongSupplier epoch) {
        this(Objects.requireNonNull(store, "store"), Objects.requireNonNull(ioExecutor, "ioExecutor"),
                Objects.requireNonNull(epoch, "epoch"), new EpochFence(epoch), ObjectGate.OPEN);
    }

    private LocalPeerOps(ObjectStore store, Executor ioExecutor, LongSupplier epoch, EpochFence fence,
                         ObjectGate gate) {
        this.store = store;
        this.ioExecutor = ioExecutor;
        this.epoch = epoch;
        this.fence = fence;
        this.gate = gate;
    }

    /**
     * The same replicas, with requests for objects {@code g} holds back (the recovery manager's) waiting for it. Both
     * views share one epoch fence, so recovery's reads through this one wait for requests admitted through the
     * gated one. This is how the daemon wires recovery without a setter: recovery is built on the open view, then
     * the gated view on recovery.
     */
    public LocalPeerOps gatedBy(ObjectGate g) {
        return new LocalPeerOps(store, ioExecutor, epoch, fence, Objects.requireNonNull(g, "gate"));
    }

    @Override
    public CompletableFuture<Void> read(long senderEpoch, long oid, long offset, ByteBuffer dst) {
        ByteBuffer target = dst.duplicate();
        return run(senderEpoch, oid, offset, target.remaining(), e -> {
            requireObject(oid);
            store.read(oid, offset, target);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> write(long senderEpoch, long oid, long offset, ByteBuffer src, WriteMode mode,
                                         boolean fua) {
        ByteBuffer data = src.duplicate();
        return run(senderEpoch, oid, offset, data.remaining(), e -> {
            switch (mode) {
                case EXISTING -> {
                    requireObject(oid);
                    store.write(oid, offset, data, e, fua);
                }
                case CREATE -> store.write(oid, offset, data, e, fua);
                case CREATE_ONLY -> store.writeIfAbsent(oid, offset, data, e, fua);
                case FRESH -> {
                    store.delete(oid);
                    store.write(oid, offset, data, e, fua);
                }
                default -> throw new IllegalStateException("write mode " + mode);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> zero(long senderEpoch, long oid, long offset, long length, boolean discard,
                                        boolean fua) {
        return run(senderEpoch, oid, offset, length, e -> {
            requireObject(oid);
            store.zero(oid, offset, length, discard, e, fua);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> remove(long senderEpoch, long oid) {
        return run(senderEpoch, oid, 0, 0, e -> {
            store.delete(oid);
            return null;
        });
    }

    @Override
    public CompletableFuture<BitSet> allocation(long senderEpoch, long oid) {
        return run(senderEpoch, oid, 0, 0, e -> {
            requireObject(oid);
            return store.allocation(oid);
        });
    }

    @Override
    public CompletableFuture<Void> flush(long senderEpoch) {
        return run(senderEpoch, null, 0, 0, e -> {
            store.flush();
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> stat(long senderEpoch, long oid) {
        return run(senderEpoch, oid, 0, 0, e -> store.stat(oid));
    }

    @Override
    public CompletableFuture<Void> putObject(long senderEpoch, ObjectImage image, boolean fua) {
        return run(senderEpoch, image.oid(), 0, 0, e -> {
            store.install(image, fua);
            return null;
        });
    }

    @Override
    public CompletableFuture<List<ObjectInfo>> listObjects(long readerEpoch) {
        return recoveryRead(readerEpoch, () -> {
            List<Long> oids = new ArrayList<>();
            store.forEachObject(oids::add);
            List<ObjectInfo> list = new ArrayList<>(oids.size());
            for (long oid : oids) {
                store.stat(oid).ifPresent(list::add); // gone meanwhile: deleted, not listed
            }
            return list;
        });
    }

    @Override
    public CompletableFuture<ObjectImage> getObject(long readerEpoch, long oid) {
        return recoveryRead(readerEpoch, () -> store.export(oid).orElseThrow(() -> missing(oid)));
    }

    /**
     * Exports the replica, which verifies every allocated block's checksum, and digests it here: only the version
     * and the digest leave this node. Gated and epoch-checked like a read.
     */
    @Override
    public CompletableFuture<ReplicaDigest> check(long senderEpoch, long oid) {
        return run(senderEpoch, oid, 0, 0, e -> ReplicaDigest.of(store.export(oid).orElseThrow(() -> missing(oid))));
    }

    /** The ids and versions of every local replica, straight from the store (no epoch, no fence). */
    public List<ObjectInfo> localObjects() throws StoreException {
        List<Long> oids = new ArrayList<>();
        store.forEachObject(oids::add);
        List<ObjectInfo> list = new ArrayList<>(oids.size());
        for (long oid : oids) {
            store.stat(oid).ifPresent(list::add);
        }
        return list;
    }

    private void requireObject(long oid) throws StoreException, SheepException {
        if (store.stat(oid).isEmpty()) {
            throw missing(oid);
        }
    }

    private static SheepException missing(long oid) {
        return new SheepException(ResultCode.NO_OBJ, "this node holds no replica of object " + ObjectId.toString(oid));
    }

    /**
     * Checks the range now; once the gate lets {@code oid} through (null: no object), checks the epoch and runs
     * {@code call} on the I/O thread with it.
     */
    private <T> CompletableFuture<T> run(long senderEpoch, Long oid, long offset, long length, StoreCall<T> call) {
        if (offset < 0 || length < 0 || offset > ObjectLayout.OBJECT_SIZE - length) {
            return CompletableFuture.failedFuture(new SheepException(ResultCode.INVALID_PARAMS, "range at offset "
                    + offset + " of " + length + " bytes is outside object " + Long.toHexString(oid == null ? 0 : oid)));
        }
        return gated(senderEpoch, oid, call);
    }

    /**
     * Passes the gate, then the epoch check. The gate answers for the epoch this node was in when it was asked; if
     * the epoch moved before the call was admitted, the gate is asked again, since the new epoch may make this node
     * the new owner of a replica it is still to recover (answering NO_OBJ for it would fail the request).
     */
    private <T> CompletableFuture<T> gated(long senderEpoch, Long oid, StoreCall<T> call) {
        long gateEpoch = epoch.getAsLong();
        CompletableFuture<Void> ready = oid == null ? CompletableFuture.completedFuture(null) : gate.ready(oid);
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            return onIoThread(senderEpoch, gateEpoch, oid, call); // the common case: nothing to wait for
        }
        return ready.thenCompose(v -> onIoThread(senderEpoch, gateEpoch, oid, call));
    }

    private <T> CompletableFuture<T> onIoThread(long senderEpoch, long gateEpoch, Long oid, StoreCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            ioExecutor.execute(() -> {
                long admitted;
                try {
                    admitted = fence.enter(senderEpoch);
                } catch (SheepException e) {
                    f.completeExceptionally(e);
                    return;
                }
                if (oid != null && admitted != gateEpoch) {
                    fence.leave(admitted);
                    gated(senderEpoch, oid, call).whenComplete((v, t) -> {
                        if (t == null) {
                            f.complete(v);
                        } else {
                            f.completeExceptionally(t);
                        }
                    });
                    return;
                }
                try {
                    f.complete(call.call(admitted));
                } catch (SheepException e) {
                    f.completeExceptionally(e);
                } catch (StoreException e) {
                    f.completeExceptionally(StoreErrors.toSheep(e));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                } finally {
                    fence.leave(admitted);
                }
            });
        } catch (RejectedExecutionException rejected) {
            f.completeExceptionally(shuttingDown(rejected));
        }
        return f;
    }

    /** Runs {@code read} on the I/O thread once every call of an epoch before {@code readerEpoch} has finished. */
    private <T> CompletableFuture<T> recoveryRead(long readerEpoch, StoreRead<T> read) {
        CompletableFuture<Void> drained;
        try {
            drained = fence.drained(readerEpoch);
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
        return drained.thenCompose(v -> {
            CompletableFuture<T> f = new CompletableFuture<>();
            try {
                ioExecutor.execute(() -> {
                    try {
                        f.complete(read.read());
                    } catch (SheepException e) {
                        f.completeExceptionally(e);
                    } catch (StoreException e) {
                        f.completeExceptionally(StoreErrors.toSheep(e));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException rejected) {
                f.completeExceptionally(shuttingDown(rejected));
            }
            return f;
        });
    }

    private static SheepException shuttingDown(RejectedExecutionException e) {
        return new SheepException(ResultCode.SHUTDOWN, "sheep is shutting down", e);
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call(long epoch) throws StoreException, SheepException;
    }

    @FunctionalInterface
    private interface StoreRead<T> {
        T read() throws StoreException, SheepException;
    }
}
