package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.proto.WriteMode;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A gateway that holds back its first write of one object in one {@link WriteMode} until {@link #release()}: how a
 * test makes another gateway's request land in between, in the order a race would take.
 */
final class HeldBackGateway implements ObjectGateway {
    private final ObjectGateway delegate;
    private final long oid;
    private final WriteMode mode;
    private final AtomicBoolean held = new AtomicBoolean();
    private final CompletableFuture<Void> reached = new CompletableFuture<>();
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    HeldBackGateway(ObjectGateway delegate, long oid, WriteMode mode) {
        this.delegate = delegate;
        this.oid = oid;
        this.mode = mode;
    }

    /** Completes when the held-back write arrived (and waits). */
    CompletableFuture<Void> reached() {
        return reached;
    }

    /** Lets the held-back write go on. */
    void release() {
        released.complete(null);
    }

    @Override
    public CompletableFuture<Void> write(long id, long offset, ByteBuffer src, WriteMode m, boolean fua) {
        if (id == oid && m == mode && held.compareAndSet(false, true)) {
            reached.complete(null);
            return released.thenCompose(v -> delegate.write(id, offset, src, m, fua));
        }
        return delegate.write(id, offset, src, m, fua);
    }

    @Override
    public CompletableFuture<Void> read(long id, long offset, ByteBuffer dst) {
        return delegate.read(id, offset, dst);
    }

    @Override
    public CompletableFuture<Void> zero(long id, long offset, long length, boolean discard, boolean fua) {
        return delegate.zero(id, offset, length, discard, fua);
    }

    @Override
    public CompletableFuture<Void> remove(long id) {
        return delegate.remove(id);
    }

    @Override
    public CompletableFuture<BitSet> allocation(long id) {
        return delegate.allocation(id);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return delegate.flush();
    }

    @Override
    public CompletableFuture<ObjectCheck> check(long id) {
        return delegate.check(id);
    }
}
