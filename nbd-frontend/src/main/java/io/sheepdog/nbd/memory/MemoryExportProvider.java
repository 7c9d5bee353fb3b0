package io.sheepdog.nbd.memory;

import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.ForwardingBlockDevice;
import io.sheepdog.nbd.MetaContextSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private volatile MetaContextSource metaContexts = MetaContextSource.NONE;

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

    /**
     * Offers {@code source}'s metadata contexts besides base:allocation; their block status comes from the devices'
     * {@link BlockDevice#blockStatus(String, long, long)}.
     */
    public MemoryExportProvider metaContexts(MetaContextSource source) {
        this.metaContexts = Objects.requireNonNull(source, "source");
        return this;
    }

    @Override
    public MetaContextSource metaContexts() {
        return metaContexts;
    }

    /** Devices opened and not yet closed: the connections currently using (or negotiating) an export. */
    public int openDevices() {
        return openDevices.get();
    }

    /** Passes everything but {@link #close()}, which is counted once and not passed on. */
    private static final class ConnectionView extends ForwardingBlockDevice {
        private final AtomicInteger open;
        private final AtomicBoolean closed = new AtomicBoolean();

        ConnectionView(BlockDevice device, AtomicInteger open) {
            super(device);
            this.open = open;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }
    }
}
