package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.store.ChecksumException;
import io.sheepdog.store.LocalStore;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.TestBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged data is reported as {@link ChecksumException} naming the object, never returned. */
class CorruptionTest {
    private static final long OID = ObjectId.data(0xabc, 7);
    private static final byte[] DATA = TestBytes.random(42, 4 * BLOCK_SIZE);

    @TempDir
    Path dir;
    private LocalStore store;

    @BeforeEach
    void open() throws Exception {
        store = LocalStore.open(dir);
        objects().write(OID, 0, ByteBuffer.wrap(DATA), 1, false);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
    }

    @Test
    void flippedByteInAFlushedBlockIsReportedNamingTheObject() throws Exception {
        objects().flush();
        flipByte(2 * BLOCK_SIZE + 123);

        assertThatThrownBy(() -> TestBytes.read(objects(), OID, 2 * BLOCK_SIZE + 5000 % BLOCK_SIZE, 10))
                .isInstanceOfSatisfying(ChecksumException.class, e -> {
                    assertThat(e.oid()).isEqualTo(OID);
                    assertThat(e.blockIndex()).isEqualTo(2);
                    assertThat(e).hasMessageContaining(ObjectId.toString(OID));
                });
        assertThatThrownBy(() -> TestBytes.read(objects(), OID, 0, DATA.length))
                .isInstanceOf(ChecksumException.class);
        // The other blocks are fine.
        assertThat(TestBytes.read(objects(), OID, 0, 2 * BLOCK_SIZE)).isEqualTo(slice(0, 2 * BLOCK_SIZE));
        assertThat(TestBytes.read(objects(), OID, 3 * BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(slice(3 * BLOCK_SIZE,
                BLOCK_SIZE));
    }

    @Test
    void exportOfADamagedObjectIsRefusedAndInstallingAGoodCopyRepairsIt() throws Exception {
        var good = objects().export(OID).orElseThrow();
        objects().flush();
        flipByte(BLOCK_SIZE + 7);
        assertThatThrownBy(() -> objects().export(OID)).isInstanceOf(ChecksumException.class);

        objects().install(good, true);
        assertThat(TestBytes.read(objects(), OID, 0, DATA.length)).isEqualTo(DATA);
        assertThat(objects().stat(OID).orElseThrow().version()).isEqualTo(good.version());
    }

    @Test
    void lostDataFileIsReportedAsDamageNotAsZeroes() throws Exception {
        store.close();
        java.nio.file.Files.delete(dataFile());
        store = LocalStore.open(dir);
        assertThatThrownBy(() -> TestBytes.read(objects(), OID, 0, 10)).isInstanceOf(ChecksumException.class);
        assertThatThrownBy(() -> objects().export(OID)).isInstanceOf(ChecksumException.class);
    }

    @Test
    void corruptionBeforeAFlushIsReportedToo() throws Exception {
        flipByte(1);
        assertThatThrownBy(() -> TestBytes.read(objects(), OID, 0, 1)).isInstanceOf(ChecksumException.class);
    }

    @Test
    void corruptionIsStillReportedAfterReopen() throws Exception {
        flipByte(3 * BLOCK_SIZE);
        store.close();
        store = LocalStore.open(dir);
        assertThatThrownBy(() -> TestBytes.read(objects(), OID, 3 * BLOCK_SIZE, 1))
                .isInstanceOf(ChecksumException.class);
        assertThat(objects().allocation(OID).cardinality()).isEqualTo(4);
    }

    @Test
    void blocksNeverWrittenAreNotReadFromTheFile() throws Exception {
        // Garbage where the object has no block (past the end and in a hole) is never looked at.
        try (FileChannel ch = FileChannel.open(dataFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(TestBytes.random(1, BLOCK_SIZE)), 10L * BLOCK_SIZE);
        }
        assertThat(TestBytes.read(objects(), OID, 10L * BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(new byte[BLOCK_SIZE]);
        assertThat(TestBytes.read(objects(), OID, 0, DATA.length)).isEqualTo(DATA);
    }

    @Test
    void damagedBlockFailsPartialWritesAndIsHealedByAWholeWriteOrDiscard() throws Exception {
        objects().flush();
        flipByte(BLOCK_SIZE + 9);
        flipByte(2 * BLOCK_SIZE + 9);
        long version = objects().stat(OID).orElseThrow().version().sequence();

        assertThatThrownBy(() -> objects().write(OID, BLOCK_SIZE + 1, ByteBuffer.wrap(new byte[3]), 1, false))
                .isInstanceOf(ChecksumException.class);
        assertThat(objects().stat(OID).orElseThrow().version().sequence()).isEqualTo(version);

        byte[] fresh = TestBytes.random(7, BLOCK_SIZE);
        objects().write(OID, BLOCK_SIZE, ByteBuffer.wrap(fresh), 1, false);
        assertThat(TestBytes.read(objects(), OID, BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(fresh);

        objects().zero(OID, 2 * BLOCK_SIZE, BLOCK_SIZE, true, 1, false);
        assertThat(TestBytes.read(objects(), OID, 2 * BLOCK_SIZE, BLOCK_SIZE)).isEqualTo(new byte[BLOCK_SIZE]);
    }

    private ObjectStore objects() {
        return store.objects();
    }

    private Path dataFile() {
        return ((FileObjectStore) store.objects()).dataFile(OID);
    }

    private void flipByte(long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(dataFile(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
            ch.write(b, offset);
        }
    }

    private static byte[] slice(int from, int length) {
        return java.util.Arrays.copyOfRange(DATA, from, from + length);
    }
}
