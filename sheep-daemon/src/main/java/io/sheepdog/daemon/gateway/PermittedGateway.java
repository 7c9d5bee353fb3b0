package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.proto.WriteMode;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

/**
 * A gateway whose changes all carry one {@link WritePermit}: writes and zeroing check it before every attempt
 * (the delegate's retries included), removals before they start. Reads, allocation queries, flushes and checks
 * pass through unchanged.
 */
final class PermittedGateway implements ObjectGateway {
    private final ObjectGateway delegate;
    private final WritePermit permit;

    PermittedGateway(ObjectGateway delegate, WritePermit permit) {
        this.delegate = delegate;
        this.permit = permit;
    }

    @Override
    public CompletableFuture<Void> read(long oid, long offset, ByteBuffer dst) {
        return delegate.read(oid, offset, dst);
    }

    @Override
    public CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua) {
        return delegate.write(oid, offset, src, mode, fua, permit);
    }

    @Override
    public CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua) {
        return delegate.zero(oid, offset, length, discard, fua, permit);
    }

    @Override
    public CompletableFuture<Void> remove(long oid) {
        try {
            permit.check();
        } catch (SheepException e) {
            return CompletableFuture.failedFuture(e);
        }
        return delegate.remove(oid);
    }

    @Override
    public CompletableFuture<BitSet> allocation(long oid) {
        return delegate.allocation(oid);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return delegate.flush();
    }

    @Override
    public CompletableFuture<ObjectCheck> check(long oid) {
        return delegate.check(oid);
    }
}
