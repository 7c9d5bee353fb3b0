package io.sheepdog.daemon.testing;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiOps;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** A {@link VdiOps} that forwards every call; tests override single methods to delay, hold or fail them. */
public class ForwardingVdiOps implements VdiOps {

    private final VdiOps delegate;

    public ForwardingVdiOps(VdiOps delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public VdiInfo create(String name, long size, int copies) throws SheepException {
        return delegate.create(name, size, copies);
    }

    @Override
    public List<VdiInfo> list() throws SheepException {
        return delegate.list();
    }

    @Override
    public VdiInfo lookup(String name) throws SheepException {
        return delegate.lookup(name);
    }

    @Override
    public void delete(String name) throws SheepException {
        delegate.delete(name);
    }

    @Override
    public void deleteSnapshot(String name, SnapshotRef snapshot) throws SheepException {
        delegate.deleteSnapshot(name, snapshot);
    }

    @Override
    public VdiInfo snapshot(String name, String tag) throws SheepException {
        return delegate.snapshot(name, tag);
    }

    @Override
    public VdiInfo clone(String source, SnapshotRef snapshot, String name) throws SheepException {
        return delegate.clone(source, snapshot, name);
    }

    @Override
    public VdiInfo rollback(String name, SnapshotRef snapshot) throws SheepException {
        return delegate.rollback(name, snapshot);
    }

    @Override
    public VdiInfo flatten(String name) throws SheepException {
        return delegate.flatten(name);
    }

    @Override
    public VdiInfo resize(String name, long size, boolean force) throws SheepException {
        return delegate.resize(name, size, force);
    }

    @Override
    public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        return delegate.read(vid, offset, length);
    }

    @Override
    public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        return delegate.write(vid, offset, data, fua);
    }

    @Override
    public CompletableFuture<Void> zero(int vid, long offset, long length, boolean discard, boolean fua) {
        return delegate.zero(vid, offset, length, discard, fua);
    }

    @Override
    public CompletableFuture<Void> flush(int vid) {
        return delegate.flush(vid);
    }
}
