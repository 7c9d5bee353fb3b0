package io.sheepdog.store.rocksdb;

import io.sheepdog.store.MetadataStore;
import io.sheepdog.store.StoreException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The {@link MetadataStore} in the {@code metadata} column family of a store's {@link RocksDatabase}. Every change
 * is written with a synced write-ahead log, so it is durable when the call returns. {@link #close()} only stops
 * this view: the database belongs to the {@link io.sheepdog.store.LocalStore} that opened it.
 */
public final class RocksMetadataStore implements MetadataStore {
    private final RocksDatabase db;
    private final ColumnFamilyHandle family;
    private volatile boolean closed;

    public RocksMetadataStore(RocksDatabase db) {
        this.db = db;
        this.family = db.family(RocksDatabase.Family.METADATA);
    }

    @Override
    public Optional<byte[]> get(byte[] key) throws StoreException {
        checkOpen();
        Objects.requireNonNull(key, "key");
        return Optional.ofNullable(db.call("metadata get", r -> r.get(family, db.reads(), key)));
    }

    @Override
    public void put(byte[] key, byte[] value) throws StoreException {
        checkOpen();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        db.call("metadata put", r -> {
            r.put(family, db.syncWrites(), key, value);
            return null;
        });
    }

    @Override
    public void putAll(Map<byte[], byte[]> entries) throws StoreException {
        checkOpen();
        db.call("metadata putAll", r -> {
            try (WriteBatch wb = new WriteBatch()) {
                for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
                    Objects.requireNonNull(e.getKey(), "key");
                    if (e.getValue() == null) {
                        wb.delete(family, e.getKey());
                    } else {
                        wb.put(family, e.getKey(), e.getValue());
                    }
                }
                r.write(db.syncWrites(), wb);
            }
            return null;
        });
    }

    @Override
    public void delete(byte[] key) throws StoreException {
        checkOpen();
        Objects.requireNonNull(key, "key");
        db.call("metadata delete", r -> {
            r.delete(family, db.syncWrites(), key);
            return null;
        });
    }

    @Override
    public void scan(byte[] prefix, BiConsumer<byte[], byte[]> consumer) throws StoreException {
        checkOpen();
        Objects.requireNonNull(prefix, "prefix");
        db.call("metadata scan", r -> {
            try (RocksIterator it = r.newIterator(family, db.reads())) {
                for (it.seek(prefix); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                        break;
                    }
                    consumer.accept(key, it.value());
                }
                it.status();
            }
            return null;
        });
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() throws StoreException {
        if (closed) {
            throw new StoreException("metadata store is closed");
        }
    }
}
