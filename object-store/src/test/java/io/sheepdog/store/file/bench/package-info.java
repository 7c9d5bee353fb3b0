/**
 * JMH benchmarks of the data engine: partial reads and writes of objects with their CRC32C checks and index
 * updates, on a real store (files and RocksDB) in a temporary directory. Run by scripts/bench-jmh.
 */
package io.sheepdog.store.file.bench;
