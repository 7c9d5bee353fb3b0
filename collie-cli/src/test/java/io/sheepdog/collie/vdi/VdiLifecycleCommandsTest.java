package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * collie vdi snapshot / clone / rollback / resize / tree, and vdi list's s and c rows, against FakeSheep behind a real
 * SheepServer (FakeSheep follows the daemon's rules: VdiOpsContract). The scenario is the one of dog 1.0's captured
 * output: alice, a tagged snapshot, a clone bob of it, an untagged snapshot.
 */
@ExtendWith(NettyLeakCheck.class)
class VdiLifecycleCommandsTest {

    private static final String HEADER =
            "  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag\n";
    private final CollieHarness h = new CollieHarness();

    @BeforeEach
    void format() {
        assertThat(h.run("cluster", "format", "--copies", "3").exitCode()).isZero();
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void snapshotCloneAndListAsDogShowsThem() {
        ok("vdi", "create", "alice", "1G");
        write("alice", 0, (byte) 1);
        Result snap = h.run("vdi", "snapshot", "-s", "snap1", "alice");
        assertThat(snap.exitCode()).as(snap.toString()).isZero();
        assertThat(snap.stdout()).as("silent, as dog").isEmpty();
        ok("vdi", "clone", "-s", "snap1", "alice", "bob");
        write("bob", 0, (byte) 2);
        ok("vdi", "snapshot", "alice");

        assertThat(h.run("vdi", "list").stdout()).isEqualTo(HEADER
                + "  alice        0  1.0 GB  0.0 MB  4.0 MB 2026-01-02 03:04   a03909      3              \n"
                + "s alice        1  1.0 GB  4.0 MB  0.0 MB 2026-01-02 03:04   a03907      3         snap1\n"
                + "s alice        2  1.0 GB  0.0 MB  4.0 MB 2026-01-02 03:04   a03908      3              \n"
                + "c bob          0  1.0 GB  4.0 MB  0.0 MB 2026-01-02 03:04   4a0a54      3              \n");
        assertThat(h.run("vdi", "list", "-r", "alice").stdout()).startsWith("= alice 0 ")
                .contains("\ns alice 1 ").contains(" snap1\n");
        assertThat(h.run("vdi", "tree").stdout()).isEqualTo(""
                + "bob---(you are here)\n"
                + "alice---[2026-01-02 03:04]---[2026-01-02 03:04]---(you are here)\n");
        assertThat(h.run("vdi", "read", "bob", "0", "1").stdoutBytes()).containsExactly(2);
        assertThat(h.run("vdi", "read", "alice", "0", "1").stdoutBytes()).containsExactly(1);
        assertThat(h.run("vdi", "object", "map", "alice").stdout()).as("alice reads object 0 from snap1")
                .isEqualTo("Index       VID\n00000000   a03907\n");
        assertThat(h.run("vdi", "object", "map", "bob").stdout()).isEqualTo("Index       VID\n00000000   4a0a54\n");
    }

    @Test
    void badSnapshotRequestsSayWhatIsWrong() {
        ok("vdi", "create", "alice", "1G");
        ok("vdi", "snapshot", "-s", "base", "alice");
        Result again = h.run("vdi", "snapshot", "-s", "base", "alice");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.stderr()).isEqualTo("collie: VDI alice already has a snapshot tagged base\n");
        Result digits = h.run("vdi", "snapshot", "-s", "42", "alice");
        assertThat(digits.exitCode()).isEqualTo(64);
        assertThat(digits.stderr()).contains("all digits");
        Result noSnap = h.run("vdi", "clone", "-s", "nope", "alice", "bob");
        assertThat(noSnap.exitCode()).isEqualTo(5);
        assertThat(noSnap.stderr()).isEqualTo("collie: VDI alice has no snapshot nope\n");
        Result zero = h.run("vdi", "rollback", "-s", "0", "alice");
        assertThat(zero.exitCode()).isEqualTo(64);
        assertThat(zero.stderr()).contains("snapshot numbers start at 1");
        Result missing = h.run("vdi", "clone", "alice", "bob");
        assertThat(missing.exitCode()).isEqualTo(64);
        assertThat(missing.stderr()).contains("--snapshot");
    }

    @Test
    void rollbackReturnsToTheSnapshotByTagOrNumber() {
        ok("vdi", "create", "alice", "8M");
        write("alice", 0, (byte) 1);
        ok("vdi", "snapshot", "-s", "good", "alice");
        write("alice", 0, (byte) 2);
        ok("vdi", "snapshot", "alice");
        write("alice", 0, (byte) 3);

        ok("vdi", "rollback", "-s", "good", "alice");
        assertThat(h.run("vdi", "read", "alice", "0", "1").stdoutBytes()).containsExactly(1);
        ok("vdi", "rollback", "-s", "2", "alice");
        assertThat(h.run("vdi", "read", "alice", "0", "1").stdoutBytes()).containsExactly(2);
    }

    @Test
    void resizeGrowsAndShrinksOnlyWithForce() {
        ok("vdi", "create", "disk", "8M");
        ok("vdi", "resize", "disk", "1G");
        assertThat(h.run("vdi", "list", "-r", "disk").stdout()).contains(" 1073741824 ");
        Result shrink = h.run("vdi", "resize", "disk", "4M");
        assertThat(shrink.exitCode()).isEqualTo(64);
        assertThat(shrink.stderr()).contains("add --force");
        ok("vdi", "resize", "--force", "disk", "4M");
        assertThat(h.run("vdi", "list", "-r", "disk").stdout()).contains(" 4194304 ");
    }

    @Test
    void deleteMinusSDeletesOneSnapshotAndTheCloneKeepsItsData() {
        ok("vdi", "create", "alice", "8M");
        write("alice", 0, (byte) 1);
        ok("vdi", "snapshot", "-s", "one", "alice");
        ok("vdi", "clone", "-s", "one", "alice", "bob");
        ok("vdi", "delete", "-s", "one", "alice");
        assertThat(h.run("vdi", "list", "-r").stdout()).doesNotContain(" one\n").contains("c bob 0 ");
        assertThat(h.run("vdi", "read", "bob", "0", "1").stdoutBytes()).containsExactly(1);
        Result again = h.run("vdi", "delete", "-s", "one", "alice");
        assertThat(again.exitCode()).isEqualTo(5);
        assertThat(again.stderr()).isEqualTo("collie: VDI alice has no snapshot one\n");
    }

    @Test
    void aFlattenedCloneIsNoCloneAndKeepsItsData() {
        ok("vdi", "create", "alice", "8M");
        write("alice", 0, (byte) 7);
        ok("vdi", "snapshot", "-s", "one", "alice");
        ok("vdi", "clone", "-s", "one", "alice", "bob");
        ok("vdi", "flatten", "bob");
        assertThat(h.run("vdi", "list", "-r", "bob").stdout()).startsWith("= bob 0 ").contains(" 4194304 0 ");
        ok("vdi", "delete", "-s", "one", "alice");
        assertThat(h.run("vdi", "read", "bob", "0", "1").stdoutBytes()).containsExactly(7);
        assertThat(h.run("vdi", "object", "map", "bob").stdout()).isEqualTo("Index       VID\n00000000   4a0a54\n");
    }

    @Test
    void everyNewCommandHasHelp() {
        for (String cmd : new String[] {"snapshot", "clone", "rollback", "resize", "tree", "object map", "flatten", "import",
            "export"}) {
            String[] words = ("vdi " + cmd + " --help").split(" ");
            Result r = h.run(words);
            assertThat(r.exitCode()).as(cmd).isZero();
            assertThat(r.stdout()).as(cmd).startsWith("Usage: collie vdi " + cmd);
        }
    }

    private void ok(String... args) {
        Result r = h.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private void write(String name, long offset, byte b) {
        Result r = h.runWithStdin(new ByteArrayInputStream(new byte[] {b}), "vdi", "write", name,
                Long.toString(offset));
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }
}
