package io.sheepdog.daemon.gateway;

import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The gateway of a one-node cluster: every object lives in the local store. Store calls block on disk I/O, so they
 * run on {@code ioExecutor}, never on the caller's (event loop) thread.
 */
public final class LocalObjectGateway implements ObjectGateway {
    private final ObjectStore store;
    private final Executor ioExecutor;
    private final LongSupplier epoch;

    /**
     * @param store      the local store
     * @param ioExecutor where blocking store calls run
     * @param epoch      the current cluster epoch, stamped on every write
     */
    public LocalObjectGateway(ObjectStore store, Executor ioExecutor, LongSupplier epoch) {
        this.store = store;
        this.ioExecutor = ioExecutor;
        this.epoch = epoch;
    }

    @Override
    public CompletableFuture<Void> read(long oid, long offset, ByteBuffer dst) {
        return run(() -> {
            store.read(oid, offset, dst);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, boolean create, boolean fua) {
        return run(() -> {
            if (create) {
                store.delete(oid);
            }
            store.write(oid, offset, src, epoch.getAsLong(), fua);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua) {
        return run(() -> {
            store.zero(oid, offset, length, discard, epoch.getAsLong(), fua);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> remove(long oid) {
        return run(() -> {
            store.delete(oid);
            return null;
        });
    }

    @Override
    public CompletableFuture<BitSet> allocation(long oid) {
        return run(() -> store.allocation(oid));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return run(() -> {
            store.flush();
            return null;
        });
    }

    private <T> CompletableFuture<T> run(StoreCall<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            ioExecutor.execute(() -> {
                try {
                    f.complete(call.call());
                } catch (StoreException e) {
                    f.completeExceptionally(StoreErrors.toSheep(e));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            f.completeExceptionally(rejected);
        }
        return f;
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call() throws StoreException;
    }
}
