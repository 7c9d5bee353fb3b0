package io.sheepdog.store.file;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.store.NoSpaceException;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.SameBytes;
import io.sheepdog.store.SmallTmpfs;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.TestBytes;
import io.sheepdog.store.rocksdb.RocksDatabase;
import io.sheepdog.store.rocksdb.RocksObjectIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With the free-space check off, the file system itself runs out of space in the middle of writes: they fail
 * with {@link NoSpaceException} and leave every stored object as it was. 16 MiB tmpfs ({@link SmallTmpfs}); root
 * only, else skipped.
 */
class FileSystemFullTest {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemFullTest.class);
    private static final long EARLY_OID = ObjectId.data(1, 0);
    private static final byte[] EARLY = TestBytes.random(1, 8 * BLOCK_SIZE);

    @RegisterExtension
    final SmallTmpfs tmpfs = new SmallTmpfs("16m");
    private RocksDatabase db;
    private FileObjectStore store;

    @AfterEach
    void closeAll() throws Exception {
        closeStore();
    }

    @Test
    void writesFailingForLackOfSpaceDamageNothing() throws Exception {
        openStore(true);
        store.write(EARLY_OID, 0, ByteBuffer.wrap(EARLY), 1, false);
        store.flush();

        List<Long> stored = new ArrayList<>();
        List<NoSpaceException> failures = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            long oid = ObjectId.data(2, i);
            try {
                store.write(oid, 0, ByteBuffer.wrap(content(oid)), 1, false);
                stored.add(oid);
            } catch (NoSpaceException e) {
                LOG.info("write {} failed as expected", i, e);
                failures.add(e);
                assertThat(store.stat(oid)).as("object of the failed write").isEmpty();
                assertThat(TestBytes.read(store, oid, 0, OBJECT_SIZE)).isEqualTo(new byte[OBJECT_SIZE]);
            }
            // Overwriting the early object in place needs no space and keeps working, or fails cleanly.
            checkStored(stored);
        }
        assertThat(failures).as("a 16 MiB file system must fill up").isNotEmpty();
        assertThat(failures.get(0)).hasMessageContaining("No space left on device");
        assertThat(stored).isNotEmpty();

        // Space freed by a delete can be used again.
        store.delete(stored.remove(0));
        long again = ObjectId.data(3, 1);
        store.write(again, 0, ByteBuffer.wrap(content(again)), 1, true);
        stored.add(again);
        checkStored(stored);

        closeStore();
        openStore(false);
        checkStored(stored);
        assertThat(store.stats().usedBytes()).isEqualTo(EARLY.length + (long) stored.size() * OBJECT_SIZE);
    }

    @Test
    void aFullDiskUnderTheMetadataDatabaseIsRecoveredByAReopen() throws Exception {
        openStore(true);
        store.write(EARLY_OID, 0, ByteBuffer.wrap(EARLY), 1, false);
        store.flush();
        Path filler = fillUp(tmpfs.path().resolve("filler"));

        // Enough attempts for the index's write-ahead log to need a new page, so that RocksDB fails too.
        for (int i = 0; i < 100; i++) {
            long oid = ObjectId.data(5, i);
            int n = i;
            // Whichever of the index or the data file hits the full disk first, the write fails cleanly.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.write(oid, 0,
                    ByteBuffer.wrap(TestBytes.random(n, BLOCK_SIZE)), 1, false)).isInstanceOf(NoSpaceException.class);
            assertThat(TestBytes.read(store, oid, 0, BLOCK_SIZE)).isEqualTo(new byte[BLOCK_SIZE]);
            checkStored(List.of());
        }
        Files.delete(filler);
        // Closing may report the error RocksDB kept; the handles are released all the same.
        try {
            store.close();
        } catch (StoreException e) {
            LOG.info("closing the objects after the disk filled up failed as it may", e);
        }
        try {
            db.close();
        } catch (StoreException e) {
            LOG.info("closing the database after the disk filled up failed as it may", e);
        }
        openStore(false);
        checkStored(List.of());
        long oid = ObjectId.data(6, 0);
        store.write(oid, 0, ByteBuffer.wrap(content(oid)), 1, true);
        checkStored(List.of(oid));
    }

    private static Path fillUp(Path filler) throws IOException {
        byte[] chunk = new byte[64 << 10];
        try (var out = Files.newOutputStream(filler)) {
            for (;;) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return filler;
    }

    private void checkStored(List<Long> stored) throws StoreException {
        SameBytes.assertSameBytes(TestBytes.read(store, EARLY_OID, 0, EARLY.length), EARLY, "early object");
        for (long oid : stored) {
            SameBytes.assertSameBytes(TestBytes.read(store, oid, 0, OBJECT_SIZE), content(oid),
                    "object " + ObjectId.toString(oid));
        }
    }

    private static byte[] content(long oid) {
        return TestBytes.random(oid, OBJECT_SIZE);
    }

    private void openStore(boolean create) throws StoreException {
        db = RocksDatabase.open(tmpfs.path().resolve("meta"), create);
        store = FileObjectStore.open(tmpfs.path().resolve("obj"), new RocksObjectIndex(db), create, 16, -1);
    }

    private void closeStore() throws StoreException {
        if (store != null) {
            store.close();
            store = null;
        }
        if (db != null) {
            db.close();
            db = null;
        }
    }

}
