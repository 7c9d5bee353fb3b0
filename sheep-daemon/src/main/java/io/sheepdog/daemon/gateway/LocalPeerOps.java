package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.server.PeerOps;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import java.nio.ByteBuffer;
import java.util.BitSet;
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
 * <p>The epoch check runs on the I/O thread right before the store call, so a request is refused (OLD_NODE_VER or
 * NEW_NODE_VER, nothing applied) if the node's epoch moved while it was queued. It is not atomic with the store call:
 * an epoch change that lands during the call itself is the daemon's to fence (recovery starts after the change).
 * Writes are stamped with the checked epoch.
 */
public final class LocalPeerOps implements PeerOps {

    private final ObjectStore store;
    private final Executor ioExecutor;
    private final LongSupplier epoch;

    /**
     * @param store      this node's store
     * @param ioExecutor where blocking store calls run
     * @param epoch      this node's current epoch
     */
    public LocalPeerOps(ObjectStore store, Executor ioExecutor, LongSupplier epoch) {
        this.store = Objects.requireNonNull(store, "store");
        this.ioExecutor = Objects.requireNonNull(ioExecutor, "ioExecutor");
        this.epoch = Objects.requireNonNull(epoch, "epoch");
    }

    @Override
    public CompletableFuture<Void> read(long senderEpoch, long oid, long offset, ByteBuffer dst) {
        ByteBuffer target = dst.duplicate();
        return run(senderEpoch, oid, offset, target.remaining(), e -> {
            store.read(oid, offset, target);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> write(long senderEpoch, long oid, long offset, ByteBuffer src, boolean create,
                                         boolean fua) {
        ByteBuffer data = src.duplicate();
        return run(senderEpoch, oid, offset, data.remaining(), e -> {
            if (create) {
                store.delete(oid);
            }
            store.write(oid, offset, data, e, fua);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> zero(long senderEpoch, long oid, long offset, long length, boolean discard,
                                        boolean fua) {
        return run(senderEpoch, oid, offset, length, e -> {
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
        return run(senderEpoch, oid, 0, 0, e -> store.allocation(oid));
    }

    @Override
    public CompletableFuture<Void> flush(long senderEpoch) {
        return run(senderEpoch, 0, 0, 0, e -> {
            store.flush();
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> stat(long senderEpoch, long oid) {
        return run(senderEpoch, oid, 0, 0, e -> store.stat(oid));
    }

    /** Checks the range now and the epoch on the I/O thread, then runs {@code call} there with the epoch. */
    private <T> CompletableFuture<T> run(long senderEpoch, long oid, long offset, long length, StoreCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (offset < 0 || length < 0 || offset > ObjectLayout.OBJECT_SIZE - length) {
            f.completeExceptionally(new SheepException(ResultCode.INVALID_PARAMS, "range at offset " + offset
                    + " of " + length + " bytes is outside object " + Long.toHexString(oid)));
            return f;
        }
        try {
            ioExecutor.execute(() -> {
                try {
                    f.complete(call.call(checkEpoch(senderEpoch)));
                } catch (SheepException e) {
                    f.completeExceptionally(e);
                } catch (StoreException e) {
                    f.completeExceptionally(StoreErrors.toSheep(e));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException rejected) {
            f.completeExceptionally(new SheepException(ResultCode.SHUTDOWN, "sheep is shutting down", rejected));
        }
        return f;
    }

    private long checkEpoch(long senderEpoch) throws SheepException {
        long own = epoch.getAsLong();
        if (senderEpoch == own) {
            return own;
        }
        ResultCode code = senderEpoch < own ? ResultCode.OLD_NODE_VER : ResultCode.NEW_NODE_VER;
        throw new SheepException(code, "epoch mismatch: request of epoch " + senderEpoch + ", this node is at epoch "
                + own);
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call(long epoch) throws StoreException, SheepException;
    }
}
