package io.sheepdog.daemon.gateway;

import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreStats;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/** An {@link ObjectStore} decorator counting the calls that reach the store, for assertions on routing. */
final class CountingObjectStore implements ObjectStore {

    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger zeroes = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger allocations = new AtomicInteger();
    final AtomicInteger flushes = new AtomicInteger();
    private final ObjectStore delegate;

    CountingObjectStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    void reset() {
        for (AtomicInteger c : new AtomicInteger[] {reads, writes, zeroes, deletes, allocations, flushes}) {
            c.set(0);
        }
    }

    @Override
    public void read(long oid, long offset, ByteBuffer dst) throws StoreException {
        reads.incrementAndGet();
        delegate.read(oid, offset, dst);
    }

    @Override
    public ObjectInfo write(long oid, long offset, ByteBuffer src, long epoch, boolean sync) throws StoreException {
        writes.incrementAndGet();
        return delegate.write(oid, offset, src, epoch, sync);
    }

    @Override
    public Optional<ObjectInfo> writeIfAbsent(long oid, long offset, ByteBuffer src, long epoch, boolean sync)
            throws StoreException {
        writes.incrementAndGet();
        return delegate.writeIfAbsent(oid, offset, src, epoch, sync);
    }

    @Override
    public ObjectInfo zero(long oid, long offset, long length, boolean discard, long epoch, boolean sync)
            throws StoreException {
        zeroes.incrementAndGet();
        return delegate.zero(oid, offset, length, discard, epoch, sync);
    }

    @Override
    public Optional<ObjectInfo> stat(long oid) throws StoreException {
        return delegate.stat(oid);
    }

    @Override
    public BitSet allocation(long oid) throws StoreException {
        allocations.incrementAndGet();
        return delegate.allocation(oid);
    }

    @Override
    public java.util.Optional<io.sheepdog.store.ObjectImage> export(long oid) throws StoreException {
        return delegate.export(oid);
    }

    @Override
    public ObjectInfo install(io.sheepdog.store.ObjectImage image, boolean sync) throws StoreException {
        return delegate.install(image, sync);
    }

    @Override
    public void delete(long oid) throws StoreException {
        deletes.incrementAndGet();
        delegate.delete(oid);
    }

    @Override
    public void forEachObject(LongConsumer consumer) throws StoreException {
        delegate.forEachObject(consumer);
    }

    @Override
    public void flush() throws StoreException {
        flushes.incrementAndGet();
        delegate.flush();
    }

    @Override
    public StoreStats stats() throws StoreException {
        return delegate.stats();
    }

    @Override
    public void close() throws StoreException {
        delegate.close();
    }
}
