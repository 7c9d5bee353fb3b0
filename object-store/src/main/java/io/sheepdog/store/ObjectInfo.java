package io.sheepdog.store;

/**
 * What the store knows of one stored object.
 *
 * @param oid            the object id
 * @param version        the version of the last write
 * @param allocatedBytes bytes in allocated (written, not discarded) blocks
 */
public record ObjectInfo(long oid, ObjectVersion version, long allocatedBytes) {
}
