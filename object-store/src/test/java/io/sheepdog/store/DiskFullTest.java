package io.sheepdog.store;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static io.sheepdog.store.ObjectLayout.OBJECT_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full disk fails writes with {@link NoSpaceException} and damages nothing stored. Runs on a 16 MiB tmpfs
 * ({@link SmallTmpfs}), so only as root where mounting works; skipped otherwise.
 */
class DiskFullTest {
    private static final byte[] EARLY = TestBytes.random(1, 1 << 20);
    private static final long EARLY_OID = ObjectId.data(1, 0);

    @RegisterExtension
    final SmallTmpfs tmpfs = new SmallTmpfs("16m");
    private LocalStore store;

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void fullFileSystemFailsWritesAndKeepsEverythingStored() throws Exception {
        store = LocalStore.open(tmpfs.path().resolve("store"), LocalStoreConfig.defaults().withReservedFreeBytes(0));
        ObjectStore objects = store.objects();
        objects.write(EARLY_OID, 100, ByteBuffer.wrap(EARLY), 1, false);
        objects.flush();

        List<Long> filled = new ArrayList<>();
        NoSpaceException full = null;
        for (int i = 1; i <= 8 && full == null; i++) {
            long oid = ObjectId.data(2, i);
            try {
                objects.write(oid, 0, ByteBuffer.wrap(content(oid)), 1, false);
                filled.add(oid);
            } catch (NoSpaceException e) {
                full = e;
                // The failed object holds what it held before: nothing.
                assertThat(objects.stat(oid)).isEmpty();
                assertThat(TestBytes.read(objects, oid, 0, OBJECT_SIZE)).isEqualTo(new byte[OBJECT_SIZE]);
            }
        }
        assertThat(full).as("a 16 MiB file system must fill up").isNotNull();
        assertThat(filled).isNotEmpty();
        checkStored(objects, filled);
        // Overwrites need no new space.
        objects.write(EARLY_OID, 100, ByteBuffer.wrap(EARLY, 0, BLOCK_SIZE), 1, false);

        store.close();
        store = LocalStore.open(tmpfs.path().resolve("store"), LocalStoreConfig.defaults().withReservedFreeBytes(0));
        checkStored(store.objects(), filled);
    }

    @Test
    void reserveRefusesAllocatingWritesBeforeTheDiskIsFull() throws Exception {
        long reserve = 6L << 20;
        store = LocalStore.open(tmpfs.path().resolve("store"), LocalStoreConfig.defaults().withReservedFreeBytes(reserve));
        ObjectStore objects = store.objects();
        objects.write(EARLY_OID, 100, ByteBuffer.wrap(EARLY), 1, false);
        objects.write(ObjectId.data(2, 1), 0, ByteBuffer.wrap(content(ObjectId.data(2, 1))), 1, false);

        long refused = ObjectId.data(2, 2);
        assertThatThrownBy(() -> objects.write(refused, 0, ByteBuffer.wrap(new byte[OBJECT_SIZE]), 1, false))
                .isInstanceOf(NoSpaceException.class).hasMessageContaining("reserve");
        assertThat(objects.stat(refused)).isEmpty();
        // Free space is reported net of the reserve: no room for another object.
        assertThat(objects.stats().freeBytes()).isLessThan(OBJECT_SIZE);
        checkStored(objects, List.of(ObjectId.data(2, 1)));
    }

    private static void checkStored(ObjectStore objects, List<Long> filled) throws StoreException {
        SameBytes.assertSameBytes(TestBytes.read(objects, EARLY_OID, 100, EARLY.length), EARLY,
                "object written before the disk filled");
        for (long oid : filled) {
            SameBytes.assertSameBytes(TestBytes.read(objects, oid, 0, OBJECT_SIZE), content(oid),
                    "object " + ObjectId.toString(oid));
        }
    }

    private static byte[] content(long oid) {
        return TestBytes.random(oid, OBJECT_SIZE);
    }

}
