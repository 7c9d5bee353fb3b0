package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * collie vdi backup / restore: a full backup of one snapshot and an incremental one to the next, restored in turn
 * into another VDI, give the later snapshot's bytes; the incremental stream carries only the changed blocks.
 */
@ExtendWith(NettyLeakCheck.class)
class VdiBackupRestoreTest {
    private static final int MIB = 1 << 20;
    private final CollieHarness h = new CollieHarness();

    @BeforeEach
    void format() {
        assertThat(h.run("cluster", "format", "--copies", "2").exitCode()).isZero();
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aFullAndAnIncrementalBackupRestoreTheLaterSnapshot() {
        ok("vdi", "create", "alice", "12M");
        write("alice", 0, fill(2 * MIB, 1));
        write("alice", 9L * MIB, fill(4096, 2));
        ok("vdi", "snapshot", "-s", "monday", "alice");
        write("alice", 4096, fill(4096, 3));                 // one block changed in object 0
        write("alice", 9L * MIB, new byte[4096]);             // a block zeroed in object 2
        ok("vdi", "snapshot", "-s", "tuesday", "alice");

        Result full = h.run("vdi", "backup", "-s", "monday", "alice");
        assertThat(full.exitCode()).as(full.toString()).isZero();
        Result incr = h.run("vdi", "backup", "-F", "monday", "-s", "tuesday", "alice");
        assertThat(incr.exitCode()).as(incr.toString()).isZero();
        assertThat(incr.stdoutBytes().length).as("two changed 4 KiB blocks, one of them zeroes")
                .isLessThan(4096 + 200);
        assertThat(full.stdoutBytes().length).isGreaterThan(2 * MIB);

        ok("vdi", "create", "copy", "12M");
        ok(new ByteArrayInputStream(full.stdoutBytes()), "vdi", "restore", "copy");
        ok("vdi", "snapshot", "-s", "monday", "copy");
        ok(new ByteArrayInputStream(incr.stdoutBytes()), "vdi", "restore", "-s", "monday", "copy");
        byte[] want = h.run("vdi", "read", "alice").stdoutBytes();
        assertThat(Arrays.equals(h.run("vdi", "read", "copy").stdoutBytes(), want)).as("copy == alice@tuesday")
                .isTrue();
    }

    @Test
    void zeroRecordsAreDiscardedAndTheProgressBarShowsOnlyOnATerminal() throws Exception {
        ok("vdi", "create", "alice", "12M");
        write("alice", 0, fill(12 * MIB, 1));
        ok("vdi", "snapshot", "-s", "monday", "alice");
        h.sheep.zero(h.sheep.lookup("alice").vid(), 4L * MIB, 4L * MIB, true, false).get(); // object 1 discarded
        write("alice", 8L * MIB, new byte[4096]);                                           // a block of zeroes
        ok("vdi", "snapshot", "-s", "tuesday", "alice");

        Result full = h.run("vdi", "backup", "-s", "monday", "alice");
        assertThat(full.stderr()).as("not a terminal: silent").isEmpty();
        Result incr = h.runWithStdin(new ByteArrayInputStream(new byte[0]), true, "vdi", "backup", "-F", "monday",
                "-s", "tuesday", "alice");
        assertThat(incr.exitCode()).as(incr.toString()).isZero();
        assertThat(incr.stderr()).as("a terminal: the bar with the rate").startsWith("\r[").contains("MiB/s")
                .contains("8/8 MiB");
        assertThat(incr.stdoutBytes().length).as("two zero records, no data").isEqualTo(16 + 13 + 13 + 1);

        ok("vdi", "create", "copy", "12M");
        ok(new ByteArrayInputStream(full.stdoutBytes()), "vdi", "restore", "copy");
        ok("vdi", "snapshot", "-s", "monday", "copy");
        Result restore = h.runWithStdin(new ByteArrayInputStream(incr.stdoutBytes()), true, "vdi", "restore", "-s",
                "monday", "copy");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stderr()).contains("12/12 MiB").contains("MiB/s");
        assertThat(h.run("vdi", "read", "copy").stdoutBytes()).isEqualTo(h.run("vdi", "read", "alice").stdoutBytes());
        assertThat(h.sheep.objectMap(h.sheep.lookup("copy").vid())[1]).as("the discarded object is unmapped")
                .isZero();
    }

    @Test
    void aDamagedOrForeignStreamIsRefusedWithAReason() {
        ok("vdi", "create", "alice", "4M");
        Result foreign = h.runWithStdin(new ByteArrayInputStream("hello".getBytes()), "vdi", "restore", "alice");
        assertThat(foreign.exitCode()).isEqualTo(64);
        assertThat(foreign.stderr()).contains("not a collie backup");
        ok("vdi", "snapshot", "-s", "s", "alice");
        byte[] b = h.run("vdi", "backup", "-s", "s", "alice").stdoutBytes();
        Result cut = h.runWithStdin(new ByteArrayInputStream(Arrays.copyOf(b, b.length - 1)), "vdi", "restore",
                "alice");
        assertThat(cut.exitCode()).isEqualTo(64);
        assertThat(cut.stderr()).contains("truncated backup").contains("records applied before it");
        Result none = h.run("vdi", "backup", "-s", "nope", "alice");
        assertThat(none.exitCode()).isEqualTo(5);
    }

    private void ok(String... args) {
        Result r = h.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private void ok(ByteArrayInputStream in, String... args) {
        Result r = h.runWithStdin(in, args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private void write(String name, long offset, byte[] data) {
        Result r = h.runWithStdin(new ByteArrayInputStream(data), "vdi", "write", name, Long.toString(offset));
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
