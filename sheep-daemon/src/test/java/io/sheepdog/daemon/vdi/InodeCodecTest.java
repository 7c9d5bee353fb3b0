package io.sheepdog.daemon.vdi;

import io.sheepdog.membership.meta.VdiEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class InodeCodecTest {

    @Test
    void headerRoundTrips() {
        VdiEntry r = new VdiEntry("vm-disk-ä", 0x7c2b25, 10L << 30, 1_700_000_000_000L, 3, 2, "before-upgrade",
                0x123456);
        ByteBuffer header = InodeCodec.encodeHeader(r);
        assertThat(header.remaining()).isEqualTo(InodeLayout.HEADER_SIZE);
        assertThat(InodeCodec.decodeHeader(header)).isEqualTo(r);
    }

    @Test
    void headerBytesAreAtTheDocumentedOffsets() {
        VdiEntry r = new VdiEntry("a", 0x010203, 4096, 5, 2, 0, "", 0);
        ByteBuffer b = InodeCodec.encodeHeader(r).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0)).isEqualTo((byte) 'S');
        assertThat(b.get(3)).isEqualTo((byte) 'N');
        assertThat(b.get(InodeLayout.NAME_OFFSET)).isEqualTo((byte) 'a');
        assertThat(b.getLong(InodeLayout.SIZE_OFFSET)).isEqualTo(4096);
        assertThat(b.getInt(InodeLayout.VID_OFFSET)).isEqualTo(0x010203);
        assertThat(b.get(InodeLayout.COPIES_OFFSET)).isEqualTo((byte) 2);
        assertThat(b.get(InodeLayout.SHIFT_OFFSET)).isEqualTo((byte) 22);
    }

    @Test
    void notAnInodeIsRefused() {
        assertThatThrownBy(() -> InodeCodec.decodeHeader(ByteBuffer.allocate(InodeLayout.HEADER_SIZE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magic");
    }

    @Test
    void mapEntriesRoundTrip() {
        ByteBuffer map = ByteBuffer.allocate(12);
        map.put(InodeCodec.encodeMapEntry(7)).put(InodeCodec.encodeMapEntry(0)).put(InodeCodec.encodeMapEntry(0xabcdef));
        map.flip();
        assertThat(InodeCodec.decodeMap(map, 3)).containsExactly(7, 0, 0xabcdef);
    }

    @Test
    void largestVdiMapFitsInOneObject() {
        assertThat(InodeLayout.mapEntryOffset(InodeLayout.MAX_OBJECTS - 1) + InodeLayout.MAP_ENTRY_SIZE)
                .isLessThanOrEqualTo(io.sheepdog.store.ObjectLayout.OBJECT_SIZE);
        assertThat(InodeLayout.objectCount(InodeLayout.MAX_VDI_SIZE)).isEqualTo(InodeLayout.MAX_OBJECTS);
    }
}
