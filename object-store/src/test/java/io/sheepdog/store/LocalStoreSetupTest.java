package io.sheepdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store directory that cannot be used is refused with a clear error, and nothing in it is changed. */
class LocalStoreSetupTest {
    @TempDir
    Path tmp;

    @Test
    void createsAMissingDirectory() throws Exception {
        Path dir = tmp.resolve("new");
        try (LocalStore store = LocalStore.open(dir)) {
            assertThat(store.directory()).isEqualTo(dir);
        }
        assertThat(dir.resolve("FORMAT")).isRegularFile();
    }

    @Test
    void missingParentIsAnError() {
        Path dir = tmp.resolve("no/such/parent");
        assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("parent").hasMessageContaining("does not exist");
        assertThat(tmp.resolve("no")).doesNotExist();
    }

    @Test
    void aRegularFileIsNotAStoreDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> LocalStore.open(file)).isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("not a directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void secondOpenWhileOpenIsRefused() throws Exception {
        Path dir = tmp.resolve("store");
        try (LocalStore store = LocalStore.open(dir)) {
            store.objects().write(1, 0, ByteBuffer.wrap(new byte[] {9}), 1, false);
            assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                    .hasMessageContaining("already open");
            assertThat(TestBytes.read(store.objects(), 1, 0, 1)).containsExactly(9);
        }
        try (LocalStore again = LocalStore.open(dir)) {
            assertThat(TestBytes.read(again.objects(), 1, 0, 1)).containsExactly(9);
        }
    }

    @Test
    void anotherFormatVersionIsRefusedAndLeftAlone() throws Exception {
        Path dir = tmp.resolve("store");
        LocalStore.open(dir).close();
        String other = "format-version=" + (LocalStore.FORMAT_VERSION + 1) + "\n";
        Files.writeString(dir.resolve("FORMAT"), other);

        assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("format version " + (LocalStore.FORMAT_VERSION + 1))
                .hasMessageContaining("uses version " + LocalStore.FORMAT_VERSION);
        assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo(other);
    }

    @Test
    void anUnreadableFormatFileIsRefused() throws Exception {
        Path dir = tmp.resolve("store");
        LocalStore.open(dir).close();
        Files.writeString(dir.resolve("FORMAT"), "garbage\n");
        assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("not a store format file");
    }

    @Test
    void aNonEmptyDirectoryThatIsNotAStoreIsRefused() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("home"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("not a store").hasMessageContaining("notes.txt");
        assertThat(dir.resolve("FORMAT")).doesNotExist();
        assertThat(dir.resolve("meta")).doesNotExist();
    }

    @Test
    void aStoreWhoseMetadataDatabaseIsGoneIsRefused() throws Exception {
        Path dir = tmp.resolve("store");
        try (LocalStore store = LocalStore.open(dir)) {
            store.objects().write(1, 0, ByteBuffer.wrap(new byte[] {9}), 1, true);
        }
        try (var files = Files.walk(dir.resolve("meta"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThatThrownBy(() -> LocalStore.open(dir)).isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("metadata database");
    }

    @Test
    void permissionDeniedIsAnError() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root ignores permissions");
        Path parent = Files.createDirectory(tmp.resolve("ro"));
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(() -> LocalStore.open(parent.resolve("store")))
                    .isInstanceOf(StoreSetupException.class).hasMessageContaining("permission denied");
        } finally {
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
