package io.sheepdog.store;

import java.io.Closeable;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A small durable key-value store for local metadata: the cluster format a store belongs to, the VDI table,
 * epochs. Keys and values are byte arrays; callers define their encodings. {@link #put} and {@link #delete} are
 * durable when they return (synced), because metadata changes are rare and must never be lost.
 */
public interface MetadataStore extends Closeable {

    Optional<byte[]> get(byte[] key) throws StoreException;

    void put(byte[] key, byte[] value) throws StoreException;

    /** Applies every entry atomically: a null value deletes the key. */
    void putAll(Map<byte[], byte[]> entries) throws StoreException;

    void delete(byte[] key) throws StoreException;

    /** Calls {@code consumer} for every key starting with {@code prefix}, in ascending unsigned byte order. */
    void scan(byte[] prefix, BiConsumer<byte[], byte[]> consumer) throws StoreException;

    @Override
    void close() throws StoreException;
}
