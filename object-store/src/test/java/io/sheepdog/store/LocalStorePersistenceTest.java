package io.sheepdog.store;

import static io.sheepdog.store.ObjectLayout.BLOCK_SIZE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a store holds survives closing and reopening it. */
class LocalStorePersistenceTest {
    @TempDir
    Path dir;

    @Test
    void reopenKeepsDataVersionsAllocationStatsAndMetadata() throws Exception {
        long a = ObjectId.data(1, 0);
        long b = ObjectId.inode(1);
        long gone = ObjectId.data(1, 1);
        byte[] dataA = TestBytes.random(1, 3 * BLOCK_SIZE + 77);
        try (LocalStore store = LocalStore.open(dir)) {
            ObjectStore objects = store.objects();
            objects.write(a, 1000, ByteBuffer.wrap(dataA), 4, false);
            objects.zero(a, 0, 1000, false, 4, false);
            objects.write(b, 0, ByteBuffer.wrap("inode".getBytes(UTF_8)), 5, true);
            objects.write(gone, 0, ByteBuffer.wrap(new byte[10]), 5, false);
            objects.delete(gone);
            store.metadata().put("cluster".getBytes(UTF_8), "c1".getBytes(UTF_8));
        }
        try (LocalStore store = LocalStore.open(dir)) {
            ObjectStore objects = store.objects();
            byte[] expected = new byte[4 * BLOCK_SIZE];
            System.arraycopy(dataA, 0, expected, 1000, dataA.length);
            assertThat(TestBytes.read(objects, a, 0, expected.length)).isEqualTo(expected);
            assertThat(objects.stat(a).orElseThrow().version()).isEqualTo(new ObjectVersion(4, 2));
            assertThat(objects.allocation(a)).isEqualTo(range(0, 4));
            assertThat(new String(TestBytes.read(objects, b, 0, 5), UTF_8)).isEqualTo("inode");
            assertThat(objects.stat(b).orElseThrow().version()).isEqualTo(new ObjectVersion(5, 1));
            assertThat(objects.stat(gone)).isEmpty();
            Set<Long> all = new HashSet<>();
            objects.forEachObject(all::add);
            assertThat(all).containsExactlyInAnyOrder(a, b);
            assertThat(objects.stats().usedBytes()).isEqualTo(5L * BLOCK_SIZE);
            assertThat(objects.stats().objectCount()).isEqualTo(2);
            assertThat(store.metadata().get("cluster".getBytes(UTF_8))).hasValueSatisfying(
                    v -> assertThat(new String(v, UTF_8)).isEqualTo("c1"));
            // Writes continue the stored version.
            assertThat(objects.write(a, 0, ByteBuffer.wrap(new byte[1]), 4, false).version().sequence()).isEqualTo(3);
        }
    }

    @Test
    void layoutIsFormatLockMetaAndFanOutDataFiles() throws Exception {
        long oid = ObjectId.data(0x123, 0x45);
        try (LocalStore store = LocalStore.open(dir)) {
            store.objects().write(oid, 0, ByteBuffer.wrap(new byte[] {1}), 1, false);
        }
        assertThat(Files.readString(dir.resolve("FORMAT"))).contains("format-version=" + LocalStore.FORMAT_VERSION);
        assertThat(dir.resolve("lock")).isRegularFile();
        assertThat(dir.resolve("meta")).isDirectory();
        try (Stream<Path> files = Files.walk(dir.resolve("obj"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
                    .singleElement().asString().matches("obj/[0-9a-f]{2}/0000012300000045");
        }
    }

    @Test
    void deletedObjectsFileIsGoneAndOrphanFilesAreRemovedAtOpen() throws Exception {
        long oid = ObjectId.data(2, 2);
        Path orphan;
        try (LocalStore store = LocalStore.open(dir)) {
            store.objects().write(oid, 0, ByteBuffer.wrap(new byte[] {1}), 1, false);
            Path file = dataFile(oid);
            assertThat(file).exists();
            store.objects().delete(oid);
            assertThat(file).doesNotExist();
            // As if a crash had struck between deleting the record and unlinking the file.
            orphan = file;
            Files.write(orphan, new byte[BLOCK_SIZE]);
        }
        try (LocalStore store = LocalStore.open(dir)) {
            assertThat(orphan).doesNotExist();
            assertThat(store.objects().stat(oid)).isEmpty();
        }
    }

    private Path dataFile(long oid) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("obj"))) {
            return files.filter(p -> p.getFileName().toString().equals(ObjectId.toString(oid))).findFirst()
                    .orElseThrow();
        }
    }

    private static BitSet range(int from, int to) {
        BitSet b = new BitSet();
        b.set(from, to);
        return b;
    }
}
