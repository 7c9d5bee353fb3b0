package io.sheepdog.daemon.vdi;

import java.nio.charset.StandardCharsets;

/**
 * The VDI table's entry for one VDI: what must never diverge between nodes (it moves into the replicated cluster
 * metadata with the cluster). Serialized as JSON.
 *
 * @param name          the name, 1 to {@link #MAX_NAME_BYTES} bytes of UTF-8
 * @param vid           the 24-bit VDI id
 * @param size          virtual size in bytes
 * @param createdMillis creation time
 * @param copies        replicas per object
 * @param snapshotId    0 for a working VDI
 * @param tag           snapshot tag, empty if none
 * @param parentVid     the VDI this one was cloned or snapshotted from, 0 if none
 */
public record VdiRecord(String name, int vid, long size, long createdMillis, int copies, int snapshotId, String tag,
                        int parentVid) {
    /** Longest VDI name in bytes, as in Sheepdog (SD_MAX_VDI_LEN). */
    public static final int MAX_NAME_BYTES = 256;

    /** The problem with {@code name} as a VDI name, or null if it is fine. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            return "VDI name must not be empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "VDI name is longer than " + MAX_NAME_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "VDI name must not contain control characters";
            }
        }
        if (name.contains("/")) {
            // The name is the NBD export name and appears in nbd:// URLs.
            return "VDI name must not contain '/'";
        }
        return null;
    }
}
