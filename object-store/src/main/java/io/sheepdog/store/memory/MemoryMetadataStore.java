package io.sheepdog.store.memory;

import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A {@link MetadataStore} in memory, for tests: same ordering (unsigned bytes) and atomicity as the RocksDB one,
 * nothing durable. Keys and values are copied in and out. Thread-safe.
 */
public final class MemoryMetadataStore implements MetadataStore {
    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
    private boolean closed;

    @Override
    public synchronized Optional<byte[]> get(byte[] key) throws StoreException {
        checkOpen();
        byte[] v = entries.get(Objects.requireNonNull(key, "key"));
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public synchronized void put(byte[] key, byte[] value) throws StoreException {
        checkOpen();
        entries.put(Objects.requireNonNull(key, "key").clone(), Objects.requireNonNull(value, "value").clone());
    }

    @Override
    public synchronized void putAll(Map<byte[], byte[]> changes) throws StoreException {
        checkOpen();
        for (byte[] key : changes.keySet()) {
            Objects.requireNonNull(key, "key");
        }
        for (Map.Entry<byte[], byte[]> e : changes.entrySet()) {
            if (e.getValue() == null) {
                entries.remove(e.getKey());
            } else {
                entries.put(e.getKey().clone(), e.getValue().clone());
            }
        }
    }

    @Override
    public synchronized void delete(byte[] key) throws StoreException {
        checkOpen();
        entries.remove(Objects.requireNonNull(key, "key"));
    }

    @Override
    public void scan(byte[] prefix, BiConsumer<byte[], byte[]> consumer) throws StoreException {
        Objects.requireNonNull(prefix, "prefix");
        List<Map.Entry<byte[], byte[]>> matches = new ArrayList<>();
        synchronized (this) {
            checkOpen();
            for (Map.Entry<byte[], byte[]> e : entries.tailMap(prefix, true).entrySet()) {
                byte[] k = e.getKey();
                if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                matches.add(Map.entry(k.clone(), e.getValue().clone()));
            }
        }
        matches.forEach(e -> consumer.accept(e.getKey(), e.getValue()));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void checkOpen() throws StoreException {
        if (closed) {
            throw new StoreException("metadata store is closed");
        }
    }
}
