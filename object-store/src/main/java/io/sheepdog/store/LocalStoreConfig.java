package io.sheepdog.store;

/**
 * Tunables of a {@link LocalStore}, validated when built.
 *
 * @param maxOpenFiles       data files kept open between requests (default {@value #DEFAULT_MAX_OPEN_FILES})
 * @param reservedFreeBytes  allocating writes fail with {@link NoSpaceException} rather than leave less than this
 *                           free on the store's file system, so that the metadata database never runs into a full
 *                           disk (default {@value #DEFAULT_RESERVED_FREE_BYTES} bytes); 0 disables the check
 */
public record LocalStoreConfig(int maxOpenFiles, long reservedFreeBytes) {
    public static final int DEFAULT_MAX_OPEN_FILES = 1024;
    public static final long DEFAULT_RESERVED_FREE_BYTES = 64L << 20;

    public LocalStoreConfig {
        if (maxOpenFiles < 1) {
            throw new IllegalArgumentException("maxOpenFiles must be at least 1: " + maxOpenFiles);
        }
        if (reservedFreeBytes < 0) {
            throw new IllegalArgumentException("reservedFreeBytes must not be negative: " + reservedFreeBytes);
        }
    }

    public static LocalStoreConfig defaults() {
        return new LocalStoreConfig(DEFAULT_MAX_OPEN_FILES, DEFAULT_RESERVED_FREE_BYTES);
    }

    public LocalStoreConfig withMaxOpenFiles(int n) {
        return new LocalStoreConfig(n, reservedFreeBytes);
    }

    public LocalStoreConfig withReservedFreeBytes(long bytes) {
        return new LocalStoreConfig(maxOpenFiles, bytes);
    }
}
