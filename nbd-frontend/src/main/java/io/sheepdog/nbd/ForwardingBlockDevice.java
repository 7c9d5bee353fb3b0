package io.sheepdog.nbd;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link BlockDevice} that passes every call to another one; subclasses override what they change (Guava's
 * {@code Forwarding*} pattern), such as a per-connection view that counts its closes.
 */
public abstract class ForwardingBlockDevice implements BlockDevice {
    private final BlockDevice device;

    protected ForwardingBlockDevice(BlockDevice device) {
        this.device = Objects.requireNonNull(device, "device");
    }

    /** The device calls go to. */
    protected final BlockDevice delegate() {
        return device;
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public boolean readOnly() {
        return device.readOnly();
    }

    @Override
    public boolean multiConn() {
        return device.multiConn();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return device.read(offset, length);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return device.write(offset, data, fua);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return device.flush();
    }

    @Override
    public CompletableFuture<Void> trim(long offset, long length, boolean fua) {
        return device.trim(offset, length, fua);
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean noHole, boolean fua) {
        return device.writeZeroes(offset, length, noHole, fua);
    }

    @Override
    public CompletableFuture<List<Extent>> blockStatus(long offset, long length) {
        return device.blockStatus(offset, length);
    }

    @Override
    public CompletableFuture<List<Extent>> blockStatus(String context, long offset, long length) {
        return device.blockStatus(context, offset, length);
    }

    @Override
    public void close() {
        device.close();
    }
}
