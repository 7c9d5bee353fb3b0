package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** collie vdi import / export of raw images: byte-exact round trips, zeroes stored as nothing and written as holes. */
@ExtendWith(NettyLeakCheck.class)
class VdiImportExportTest {
    private static final int MIB = 1 << 20;
    private final CollieHarness h = new CollieHarness();

    @TempDir
    Path dir;

    @BeforeEach
    void format() {
        assertThat(h.run("cluster", "format", "--copies", "2").exitCode()).isZero();
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aSparseImageRoundTripsAndItsZeroesTakeNoSpace() throws Exception {
        Path image = dir.resolve("disk.raw");
        byte[] head = new byte[3 * MIB / 2];
        new Random(42).nextBytes(head);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.write(head);                       // object 0 (partly)
            f.seek(13L * MIB + 7);               // object 3, mid-way; the rest is zeroes
            f.write(new byte[] {1, 2, 3});
            f.setLength(20L * MIB + 512);        // a size that is no multiple of the object size
        }

        Result imported = h.run("vdi", "import", "disk", image.toString());
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        assertThat(imported.stderr()).contains("imported 21 MiB").contains("MiB/s").contains("left as holes");
        assertThat(h.run("vdi", "list", "-r", "disk").stdout()).as("2 objects of 6 hold data")
                .contains(" " + (20L * MIB + 512) + " " + (8L * MIB) + " ");

        Path back = dir.resolve("back.raw");
        Result exported = h.run("vdi", "export", "disk", back.toString());
        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(Files.size(back)).isEqualTo(20L * MIB + 512);
        assertThat(Files.mismatch(image, back)).as("byte for byte").isEqualTo(-1L);
        assertThat(allocatedBytes(back)).as("the export is sparse").isLessThan(10L * MIB);
    }

    /** The bytes the file system allocated for {@code file} ({@code stat %b}, 512-byte blocks). */
    static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return Long.parseLong(out) * 512;
    }

    @Test
    void importRefusesAnExistingNameOrAnEmptyFileAndLosesNothing() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.raw"));
        Result none = h.run("vdi", "import", "e", empty.toString());
        assertThat(none.exitCode()).isEqualTo(64);
        assertThat(none.stderr()).contains("is empty");
        Path one = Files.write(dir.resolve("one.raw"), new byte[] {9});
        assertThat(h.run("vdi", "import", "x", one.toString()).exitCode()).isZero();
        Result again = h.run("vdi", "import", "x", one.toString());
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(h.run("vdi", "read", "x", "0", "1").stdoutBytes()).containsExactly(9);
        Result missing = h.run("vdi", "import", "y", dir.resolve("nope.raw").toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("nope.raw");
    }
}
