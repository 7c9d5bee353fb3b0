/**
 * RocksDB behind the store: the only package that imports {@code org.rocksdb}.
 *
 * <p>{@link io.sheepdog.store.rocksdb.RocksDatabase} owns the database of a store directory and every native
 * handle, gates calls against {@code close()} and wraps each {@code RocksDBException} with the name of the
 * operation. On it, {@link io.sheepdog.store.rocksdb.RocksObjectIndex} implements the file store's
 * {@link io.sheepdog.store.file.ObjectIndex} (object records, per-block checksums, dirty objects; one column family
 * each, unsynced write-ahead log) and {@link io.sheepdog.store.rocksdb.RocksMetadataStore} the durable
 * {@link io.sheepdog.store.MetadataStore} (its own column family, synced writes). Key and value layouts are in
 * {@code IndexCodec}.
 */
package io.sheepdog.store.rocksdb;
