package io.sheepdog.daemon.vdi;

import io.sheepdog.store.ObjectLayout;

/**
 * Byte layout of an inode object (little-endian). The header holds a copy of the VDI record so a store can be
 * inspected and recovered without the VDI table; the object map follows at {@link #MAP_OFFSET}.
 *
 * <pre>
 *   0  u32  magic "SDIN"            264 u64 size                 292 u8   copies
 *   4  u16  layout version          272 u64 creation time (ms)   293 u8   object size shift (22)
 *   6  u16  name length             280 u32 vid                  294 u16  tag length
 *   8  u8[256] name (UTF-8)         284 u32 parent vid           296 u8[256] tag
 *                                   288 u32 snapshot id          4096 u32[n] data_vdi_id of object i (0 = none)
 * </pre>
 */
public final class InodeLayout {
    public static final int MAGIC = 0x4e494453; // "SDIN" little-endian
    public static final int VERSION = 1;
    public static final int NAME_OFFSET = 8;
    public static final int SIZE_OFFSET = 264;
    public static final int CTIME_OFFSET = 272;
    public static final int VID_OFFSET = 280;
    public static final int PARENT_OFFSET = 284;
    public static final int SNAPSHOT_OFFSET = 288;
    public static final int COPIES_OFFSET = 292;
    public static final int SHIFT_OFFSET = 293;
    public static final int TAG_LENGTH_OFFSET = 294;
    public static final int TAG_OFFSET = 296;
    public static final int HEADER_SIZE = 4096;
    public static final int MAP_OFFSET = HEADER_SIZE;
    public static final int MAP_ENTRY_SIZE = Integer.BYTES;
    /** Objects one inode can map: the map must fit in one object. */
    public static final int MAX_OBJECTS = (ObjectLayout.OBJECT_SIZE - HEADER_SIZE) / MAP_ENTRY_SIZE;
    /** Largest VDI: every object index mapped (a little under 4 TiB with 4 MiB objects). */
    public static final long MAX_VDI_SIZE = (long) MAX_OBJECTS * ObjectLayout.OBJECT_SIZE;

    private InodeLayout() {
    }

    /** Number of data objects a VDI of {@code size} bytes spans. */
    public static int objectCount(long size) {
        return (int) ((size + ObjectLayout.OBJECT_SIZE - 1) / ObjectLayout.OBJECT_SIZE);
    }

    /** Offset in the inode object of the map entry of object {@code index}. */
    public static int mapEntryOffset(int index) {
        return MAP_OFFSET + index * MAP_ENTRY_SIZE;
    }
}
