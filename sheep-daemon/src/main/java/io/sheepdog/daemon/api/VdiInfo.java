package io.sheepdog.daemon.api;

/**
 * One VDI as {@code collie vdi list} shows it.
 *
 * @param name         the VDI name (up to 256 bytes of UTF-8)
 * @param vid          the 24-bit VDI id
 * @param size         virtual size in bytes
 * @param usedBytes    bytes of data objects this VDI owns
 * @param sharedBytes  bytes of data objects shared with its parent (copy-on-write)
 * @param createdMillis creation time, milliseconds since the epoch
 * @param copies       number of replicas of each object
 * @param snapshotId   0 for the working VDI, else the snapshot number
 * @param tag          snapshot tag, empty if none
 * @param parentVid    VDI id of the parent (clone source), 0 if none
 */
public record VdiInfo(String name, int vid, long size, long usedBytes, long sharedBytes, long createdMillis,
                      int copies, int snapshotId, String tag, int parentVid) {
}
