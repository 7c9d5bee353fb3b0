/**
 * Local object storage of one sheep: the {@link io.sheepdog.store.ObjectStore} SPI for 4 MiB data objects and
 * small metadata objects, the {@link io.sheepdog.store.MetadataStore} key-value SPI for local metadata, object ids
 * and the store's typed exceptions. {@link io.sheepdog.store.LocalStore} opens both on a store directory (format
 * {@value io.sheepdog.store.LocalStore#FORMAT_VERSION}, locked against a second daemon). Implementations live in
 * sub-packages: {@code store.file} (a file per object, CRC32C per 4 KiB block, crash consistency),
 * {@code store.rocksdb} (object index and metadata; the only package importing {@code org.rocksdb}) and
 * {@code store.memory} (in-memory, for tests).
 */
package io.sheepdog.store;
