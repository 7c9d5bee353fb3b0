package io.sheepdog.nbd.server;

import io.netty.buffer.ByteBuf;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.Extent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A device whose operations return futures the test completes, in any order it likes. */
final class ScriptedDevice implements BlockDevice {

    /** One call: the operation, its arguments and the future handed back. */
    record Call(String op, long offset, long length, ByteBuf data, boolean flagA, boolean flagB,
                CompletableFuture<Object> future) {

        @SuppressWarnings("unchecked")
        <T> CompletableFuture<T> future(Class<T> type) {
            return (CompletableFuture<T>) (CompletableFuture<?>) future;
        }
    }

    private final long size;
    private final boolean readOnly;
    final List<Call> calls = new ArrayList<>();
    final AtomicInteger closes = new AtomicInteger();
    RuntimeException throwOnCall;

    ScriptedDevice(long size, boolean readOnly) {
        this.size = size;
        this.readOnly = readOnly;
    }

    Call call(int index) {
        return calls.get(index);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public boolean multiConn() {
        return false;
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> record(String op, long offset, long length, ByteBuf data, boolean a, boolean b) {
        if (throwOnCall != null) {
            throw throwOnCall;
        }
        CompletableFuture<Object> future = new CompletableFuture<>();
        calls.add(new Call(op, offset, length, data, a, b, future));
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return record("read", offset, length, null, false, false);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return record("write", offset, data.readableBytes(), data, fua, false);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return record("flush", 0, 0, null, false, false);
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
        return record("trim", offset, length, null, fua, false);
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean noHole, boolean fua) {
        return record("zero", offset, length, null, fua, noHole);
    }

    @Override
    public CompletableFuture<List<Extent>> blockStatus(long offset, long length) {
        return record("status", offset, length, null, false, false);
    }

    /** Recorded as {@code "status CONTEXT"}. */
    @Override
    public CompletableFuture<List<Extent>> blockStatus(String context, long offset, long length) {
        return record("status " + context, offset, length, null, false, false);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    static List<Extent> extents(Extent... extents) {
        return new ArrayList<>(List.of(extents));
    }
}
