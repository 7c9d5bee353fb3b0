package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.membership.meta.VdiEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InodeCodecTest {

    @Test
    void aMapEntryThatIsNoVdiIdIsAnEioNamingIt() {
        ByteBuffer map = ByteBuffer.allocate(3 * InodeLayout.MAP_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        map.putInt(0, 0xa03907).putInt(4, 0).putInt(8, 0x7f000001);
        assertThat(InodeCodec.decodeMap(map.duplicate(), 2)).containsExactly(0xa03907, 0);
        assertThatThrownBy(() -> InodeCodec.decodeMap(map, 3)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(SheepException.class).hasMessageContaining("map entry 2 holds 7f000001")
                .satisfies(e -> assertThat(((SheepException) e).result()).isEqualTo(ResultCode.EIO));
    }

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
