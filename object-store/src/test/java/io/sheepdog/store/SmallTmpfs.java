package io.sheepdog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A small tmpfs mounted for each test, so that a file system fills up for real, and unmounted after the test's own
 * {@code @AfterEach} methods closed what they had open on it. Mounting needs root: elsewhere the test is skipped.
 *
 * <pre>{@code
 * @RegisterExtension
 * final SmallTmpfs tmpfs = new SmallTmpfs("16m");
 * ... LocalStore.open(tmpfs.path().resolve("store")) ...
 * }</pre>
 */
public final class SmallTmpfs implements BeforeEachCallback, AfterEachCallback {
    private final String size;
    private Path dir;
    private boolean mounted;

    /** @param size the tmpfs size as mount takes it, e.g. "16m" */
    public SmallTmpfs(String size) {
        this.size = size;
    }

    /** Where the tmpfs is mounted (during a test). */
    public Path path() {
        return dir;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        dir = Files.createTempDirectory("tmpfs");
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()) == 0,
                "cannot mount a tmpfs here");
        mounted = true;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (mounted) {
            mounted = false;
            assertThat(run("umount", dir.toString())).as("umount " + dir).isZero();
        }
        if (dir != null) {
            Files.deleteIfExists(dir);
            dir = null;
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.err);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
