package io.sheepdog.store;

/**
 * Space of a store, for {@code collie node info}.
 *
 * @param capacityBytes size of the file system holding the store
 * @param usedBytes     bytes used by stored objects (allocated blocks)
 * @param freeBytes     bytes the store can still allocate for objects: the file system's free space less the reserve
 *                      kept for the metadata (0 when the store is full and refuses allocating writes)
 * @param objectCount   number of stored objects
 */
public record StoreStats(long capacityBytes, long usedBytes, long freeBytes, long objectCount) {
}
