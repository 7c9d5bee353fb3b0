package io.sheepdog.store.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.file.BlockEntry;
import io.sheepdog.store.file.ObjectMeta;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IndexCodecTest {

    @Test
    void blockEntriesRoundTripIncludingHighCrcsAndUnallocatedFallbacks() throws StoreException {
        for (BlockEntry e : new BlockEntry[] {
            new BlockEntry(0xFFFF_FFFFL, BlockEntry.UNALLOCATED, BlockEntry.UNALLOCATED, 0),
            new BlockEntry(1, 0x8000_0000L, BlockEntry.UNALLOCATED, 7),
            new BlockEntry(0, 0xFFFF_FFFFL, 0xFFFF_FFFFL, Long.MAX_VALUE)}) {
            assertThat(IndexCodec.decodeEntry(1, IndexCodec.encode(e))).isEqualTo(e);
        }
    }

    @Test
    void objectRecordsRoundTrip() throws StoreException {
        ObjectMeta m = new ObjectMeta(new ObjectVersion(9, 1234), 1024, 3);
        assertThat(IndexCodec.decodeMeta(1, IndexCodec.encode(m))).isEqualTo(m);
    }

    @Test
    void keysSortByUnsignedOidThenBlock() {
        byte[] data = IndexCodec.blockKey(ObjectId.data(1, 5), 1023);
        byte[] inode = IndexCodec.blockKey(ObjectId.inode(1), 0);
        byte[] next = IndexCodec.blockKey(ObjectId.data(1, 6), 0);
        assertThat(Arrays.compareUnsigned(data, next)).isNegative();
        assertThat(Arrays.compareUnsigned(next, inode)).isNegative();
        assertThat(IndexCodec.oidOf(inode)).isEqualTo(ObjectId.inode(1));
        assertThat(IndexCodec.blockOf(data)).isEqualTo(1023);
    }

    @Test
    void damagedValuesAreReportedNamingTheObject() {
        assertThatThrownBy(() -> IndexCodec.decodeEntry(0x42, new byte[] {1, 2}))
                .isInstanceOf(StoreException.class).hasMessageContaining(ObjectId.toString(0x42));
        byte[] wrongLayout = IndexCodec.encode(new ObjectMeta(ObjectVersion.NONE, 1, 0));
        wrongLayout[0] = 9;
        assertThatThrownBy(() -> IndexCodec.decodeMeta(1, wrongLayout)).isInstanceOf(StoreException.class);
    }
}
