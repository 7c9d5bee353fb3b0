package io.sheepdog.store;

/**
 * Object ids: 64-bit values laid out as Sheepdog lays them out.
 *
 * <pre>
 *  63      62        61        60..56   55 ............ 32   31 ............ 0
 *  VDI     VMSTATE   VDI_ATTR  reserved  VDI id (24 bits)     object index
 * </pre>
 *
 * A data object has no kind bit set; the inode object of a VDI has {@link #VDI_BIT} and index 0.
 * Object ids are passed around as primitive {@code long}s on the I/O path; this class only holds the layout.
 */
public final class ObjectId {
    /** Kind bit of a VDI inode object. */
    public static final long VDI_BIT = 1L << 63;
    /** Kind bit of a VM state object (reserved for snapshots with VM state). */
    public static final long VMSTATE_BIT = 1L << 62;
    /** Kind bit of a VDI attribute object (reserved). */
    public static final long VDI_ATTR_BIT = 1L << 61;
    /** Where the VDI id starts. */
    public static final int VDI_SPACE_SHIFT = 32;
    /** Largest VDI id: VDI ids are 24 bits. */
    public static final int MAX_VDI_ID = (1 << 24) - 1;
    private static final long INDEX_MASK = 0xFFFF_FFFFL;

    private ObjectId() {
    }

    /** The data object {@code index} of VDI {@code vid}. */
    public static long data(int vid, long index) {
        checkVid(vid);
        if (index < 0 || index > INDEX_MASK) {
            throw new IllegalArgumentException("object index out of range: " + index);
        }
        return ((long) vid << VDI_SPACE_SHIFT) | index;
    }

    /** The inode object of VDI {@code vid}. */
    public static long inode(int vid) {
        checkVid(vid);
        return VDI_BIT | ((long) vid << VDI_SPACE_SHIFT);
    }

    /** The VDI id held in bits 32-55. */
    public static int vid(long oid) {
        return (int) ((oid >>> VDI_SPACE_SHIFT) & MAX_VDI_ID);
    }

    /** The object index held in bits 0-31. */
    public static long index(long oid) {
        return oid & INDEX_MASK;
    }

    /** True for a VDI inode object. */
    public static boolean isInode(long oid) {
        return (oid & VDI_BIT) != 0;
    }

    /** True for a data object (no kind bit set). */
    public static boolean isData(long oid) {
        return (oid & (VDI_BIT | VMSTATE_BIT | VDI_ATTR_BIT)) == 0;
    }

    /** Sixteen lower-case hex digits, the form used in logs, file names and errors. */
    public static String toString(long oid) {
        // Not String.format: this is called on request paths, and the formatter parses its pattern every time.
        String hex = Long.toHexString(oid);
        return hex.length() == 16 ? hex : "0".repeat(16 - hex.length()) + hex;
    }

    /** Parses the form written by {@link #toString(long)}. */
    public static long parse(String hex) {
        return Long.parseUnsignedLong(hex, 16);
    }

    private static void checkVid(int vid) {
        if (vid < 0 || vid > MAX_VDI_ID) {
            throw new IllegalArgumentException("VDI id out of range: " + vid);
        }
    }
}
