package io.sheepdog.daemon.vdi;

import static io.sheepdog.daemon.vdi.InodeLayout.*;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.store.ObjectId;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/** Encodes and decodes inode objects laid out as {@link InodeLayout} describes. */
public final class InodeCodec {
    private InodeCodec() {
    }

    /** The header block of {@code record}, {@link InodeLayout#HEADER_SIZE} bytes ready to write. */
    public static ByteBuffer encodeHeader(VdiEntry record) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = record.name().getBytes(StandardCharsets.UTF_8);
        byte[] tag = record.tag().getBytes(StandardCharsets.UTF_8);
        b.putInt(0, MAGIC);
        b.putShort(4, (short) VERSION);
        b.putShort(6, (short) name.length);
        b.put(NAME_OFFSET, name);
        b.putLong(SIZE_OFFSET, record.size());
        b.putLong(CTIME_OFFSET, record.createdMillis());
        b.putInt(VID_OFFSET, record.vid());
        b.putInt(PARENT_OFFSET, record.parentVid());
        b.putInt(SNAPSHOT_OFFSET, record.snapshotId());
        b.put(COPIES_OFFSET, (byte) record.copies());
        b.put(SHIFT_OFFSET, (byte) Integer.numberOfTrailingZeros(io.sheepdog.store.ObjectLayout.OBJECT_SIZE));
        b.putShort(TAG_LENGTH_OFFSET, (short) tag.length);
        b.put(TAG_OFFSET, tag);
        return b;
    }

    /**
     * A whole inode, ready to write at offset 0 with create: the header of {@code record} and {@code map} up to its
     * last allocated entry (the rest of the map reads as zero, unallocated).
     */
    public static ByteBuffer encode(VdiEntry record, int[] map) {
        int last = map.length;
        while (last > 0 && map[last - 1] == 0) {
            last--;
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE + last * MAP_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(encodeHeader(record));
        for (int i = 0; i < last; i++) {
            b.putInt(HEADER_SIZE + i * MAP_ENTRY_SIZE, map[i]);
        }
        return b.position(0);
    }

    /** Decodes a header block; throws {@link IllegalArgumentException} if it is not an inode. */
    public static VdiEntry decodeHeader(ByteBuffer header) {
        ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        if (b.getInt(base) != MAGIC) {
            throw new IllegalArgumentException("not an inode object (bad magic)");
        }
        int version = b.getShort(base + 4) & 0xffff;
        if (version != VERSION) {
            throw new IllegalArgumentException("inode layout version " + version + " is not supported");
        }
        String name = string(b, base + NAME_OFFSET, b.getShort(base + 6) & 0xffff);
        String tag = string(b, base + TAG_OFFSET, b.getShort(base + TAG_LENGTH_OFFSET) & 0xffff);
        return new VdiEntry(name, b.getInt(base + VID_OFFSET), b.getLong(base + SIZE_OFFSET),
                b.getLong(base + CTIME_OFFSET), b.get(base + COPIES_OFFSET) & 0xff, b.getInt(base + SNAPSHOT_OFFSET),
                tag, b.getInt(base + PARENT_OFFSET));
    }

    /**
     * Decodes {@code count} map entries. Called where inode reads complete: an entry that is no VDI id (a damaged
     * inode object) fails with a CompletionException of EIO naming it, rather than an IllegalArgumentException
     * later, where the object id is built, which clients would see as an unknown error.
     */
    public static int[] decodeMap(ByteBuffer map, int count) {
        ByteBuffer b = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int[] m = new int[count];
        for (int i = 0; i < count; i++) {
            m[i] = b.getInt(b.position() + i * MAP_ENTRY_SIZE);
            if (m[i] < 0 || m[i] > ObjectId.MAX_VDI_ID) {
                throw new CompletionException(new SheepException(ResultCode.EIO, "damaged inode: map entry " + i
                        + " holds " + Integer.toUnsignedString(m[i], 16) + ", which is no VDI id"));
            }
        }
        return m;
    }

    /** One map entry ready to write at {@link InodeLayout#mapEntryOffset(int)}. */
    public static ByteBuffer encodeMapEntry(int dataVid) {
        return ByteBuffer.allocate(MAP_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt(0, dataVid);
    }

    private static String string(ByteBuffer b, int offset, int length) {
        if (length > VdiNames.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("corrupt inode: string length " + length);
        }
        byte[] bytes = new byte[length];
        b.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
