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
 * @param parentVid    VDI id of the parent (the snapshot it was made from), 0 if none
 * @param cloned       whether the VDI descends from a snapshot of another name ({@code c} in {@code vdi list}); the
 *                     working VDI a snapshot leaves behind descends from its own name's and is no clone
 */
public record VdiInfo(String name, int vid, long size, long usedBytes, long sharedBytes, long createdMillis,
                      int copies, int snapshotId, String tag, int parentVid, boolean cloned) {

    /** A VDI that is no clone. */
    public VdiInfo(String name, int vid, long size, long usedBytes, long sharedBytes, long createdMillis, int copies,
                   int snapshotId, String tag, int parentVid) {
        this(name, vid, size, usedBytes, sharedBytes, createdMillis, copies, snapshotId, tag, parentVid, false);
    }
}
