package io.sheepdog.nbd.memory;

import io.netty.buffer.ByteBuf;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.Extent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of named exports, each backed by a shared {@link BlockDevice}. Every {@link #open} returns a
 * per-connection view whose {@link BlockDevice#close()} is counted (see {@link #openDevices()}) and not passed on,
 * so one connection closing does not affect the others.
 */
public final class MemoryExportProvider implements ExportProvider {

    private final Map<String, Entry> exports = new LinkedHashMap<>();
    private final AtomicInteger openDevices = new AtomicInteger();

    private record Entry(String description, BlockDevice device) {
    }

    /** Adds (or replaces) export {@code name}. */
    public synchronized MemoryExportProvider add(String name, String description, BlockDevice device) {
        exports.put(Objects.requireNonNull(name, "name"),
                new Entry(Objects.requireNonNullElse(description, ""), Objects.requireNonNull(device, "device")));
        return this;
    }

    @Override
    public synchronized Optional<BlockDevice> open(String name) {
        Entry entry = exports.get(name);
        if (entry == null) {
            return Optional.empty();
        }
        openDevices.incrementAndGet();
        return Optional.of(new ConnectionView(entry.device(), openDevices));
    }

    @Override
    public synchronized List<ExportDescription> list() {
        List<ExportDescription> list = new ArrayList<>(exports.size());
        exports.forEach((name, entry) -> list.add(new ExportDescription(name, entry.description())));
        return list;
    }

    /** Devices opened and not yet closed: the connections currently using (or negotiating) an export. */
    public int openDevices() {
        return openDevices.get();
    }

    /** Delegates everything but {@link #close()}, which is counted once. */
    private static final class ConnectionView implements BlockDevice {
        private final BlockDevice device;
        private final AtomicInteger open;
        private final AtomicBoolean closed = new AtomicBoolean();

        ConnectionView(BlockDevice device, AtomicInteger open) {
            this.device = device;
            this.open = open;
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
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }
    }
}
