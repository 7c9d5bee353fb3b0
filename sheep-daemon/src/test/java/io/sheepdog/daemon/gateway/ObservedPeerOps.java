package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectInfo;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link PeerOps} decorator for tests: counts the result codes it answered with, and can be told to hang (never
 * answer) until {@link #releaseHung()}.
 */
final class ObservedPeerOps implements PeerOps {

    private final PeerOps delegate;
    private final Map<ResultCode, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final List<CompletableFuture<?>> hung = new CopyOnWriteArrayList<>();
    private volatile boolean hang;

    ObservedPeerOps(PeerOps delegate) {
        this.delegate = delegate;
    }

    /** How many calls were answered with {@code code}. */
    int answered(ResultCode code) {
        AtomicInteger n = answers.get(code);
        return n == null ? 0 : n.get();
    }

    void hang(boolean on) {
        hang = on;
    }

    /** Fails every hung call (so the server releases their requests). */
    void releaseHung() {
        hang = false;
        for (CompletableFuture<?> f : hung) {
            f.completeExceptionally(new SheepException(ResultCode.SHUTDOWN, "released by the test"));
        }
        hung.clear();
    }

    private <T> CompletableFuture<T> observe(Supplier<CompletableFuture<T>> call) {
        if (hang) {
            CompletableFuture<T> never = new CompletableFuture<>();
            hung.add(never);
            return never;
        }
        return call.get().whenComplete((v, t) -> {
            ResultCode code = t == null ? ResultCode.SUCCESS
                    : SheepException.unwrap(t) instanceof SheepException se ? se.result() : ResultCode.UNKNOWN;
            answers.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
        });
    }

    @Override
    public CompletableFuture<Void> read(long epoch, long oid, long offset, ByteBuffer dst) {
        return observe(() -> delegate.read(epoch, oid, offset, dst));
    }

    @Override
    public CompletableFuture<Void> write(long epoch, long oid, long offset, ByteBuffer src, WriteMode create,
                                         boolean fua) {
        return observe(() -> delegate.write(epoch, oid, offset, src, create, fua));
    }

    @Override
    public CompletableFuture<Void> zero(long epoch, long oid, long offset, long length, boolean discard,
                                        boolean fua) {
        return observe(() -> delegate.zero(epoch, oid, offset, length, discard, fua));
    }

    @Override
    public CompletableFuture<Void> remove(long epoch, long oid) {
        return observe(() -> delegate.remove(epoch, oid));
    }

    @Override
    public CompletableFuture<BitSet> allocation(long epoch, long oid) {
        return observe(() -> delegate.allocation(epoch, oid));
    }

    @Override
    public CompletableFuture<Void> flush(long epoch) {
        return observe(() -> delegate.flush(epoch));
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> stat(long epoch, long oid) {
        return observe(() -> delegate.stat(epoch, oid));
    }

    @Override
    public CompletableFuture<java.util.List<ObjectInfo>> listObjects(long epoch) {
        return observe(() -> delegate.listObjects(epoch));
    }

    @Override
    public CompletableFuture<io.sheepdog.store.ObjectImage> getObject(long epoch, long oid) {
        return observe(() -> delegate.getObject(epoch, oid));
    }

    @Override
    public CompletableFuture<Void> putObject(long epoch, io.sheepdog.store.ObjectImage image, boolean fua) {
        return observe(() -> delegate.putObject(epoch, image, fua));
    }

    @Override
    public CompletableFuture<io.sheepdog.daemon.proto.ReplicaDigest> check(long epoch, long oid) {
        return observe(() -> delegate.check(epoch, oid));
    }
}
