package io.sheepdog.store;

/**
 * Space of a store, for {@code collie node info}.
 *
 * @param capacityBytes size of the file system holding the store
 * @param usedBytes     bytes used by stored objects (allocated blocks)
 * @param freeBytes     bytes the file system still has for this store
 * @param objectCount   number of stored objects
 */
public record StoreStats(long capacityBytes, long usedBytes, long freeBytes, long objectCount) {
}
