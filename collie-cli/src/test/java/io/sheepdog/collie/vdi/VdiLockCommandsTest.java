package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie vdi lock list / unlock / migrate / mode against FakeSheep behind a real SheepServer (times in UTC). */
@ExtendWith(NettyLeakCheck.class)
class VdiLockCommandsTest {
    private static final String HEADER =
            "  VDI              Holder           Node                  Since                 Gen  State\n";
    private final CollieHarness h = new CollieHarness();

    @BeforeEach
    void twoVdisOneLocked() {
        assertThat(h.run("cluster", "format").exitCode()).isZero();
        assertThat(h.run("vdi", "create", "alice", "1G").exitCode()).isZero();
        assertThat(h.run("vdi", "create", "bob", "1G").exitCode()).isZero();
        h.sheep.lock("alice", "10.0.0.5", "10.0.0.1:7000", 3);
    }

    @AfterEach
    void close() {
        h.close();
    }

    private Result answering(String answer, String... args) {
        return h.runWithStdin(new ByteArrayInputStream((answer + "\n").getBytes(StandardCharsets.UTF_8)), args);
    }

    @Test
    void listShowsHolderNodeSinceAndGeneration() {
        assertThat(h.run("vdi", "lock", "mode", "bob", "shared").exitCode()).isZero();
        Result r = h.run("vdi", "lock", "list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(HEADER
                + "  alice            10.0.0.5         10.0.0.1:7000         2026-01-02 03:04:05     3  locked\n"
                + "  bob              -                -                     -                       -  shared\n");
        assertThat(h.run("vdi", "lock", "list", "-r").stdout()).isEqualTo(
                "alice 10.0.0.5 10.0.0.1:7000 1767323045 3 locked\nbob - - - - shared\n");
        assertThat(h.run("vdi", "lock", "list", "--json").stdout()).contains("\"client\" : \"10.0.0.5\"");
    }

    @Test
    void unlockAsksAndBreaksOnlyOnYes() {
        Result no = answering("no", "vdi", "lock", "unlock", "alice");
        assertThat(no.exitCode()).isEqualTo(1);
        assertThat(no.stdout()).isEqualTo("VDI alice is locked by 10.0.0.5 through node 10.0.0.1:7000.\n"
                + "Breaking the lock stops that client's writes; if it is still running, its guest sees I/O errors.\n"
                + "Are you sure you want to continue? [yes/no]: ");
        assertThat(no.stderr()).isEqualTo("collie: not confirmed; nothing changed\n");
        assertThat(h.sheep.locks()).hasSize(1);

        assertThat(answering("yes", "vdi", "lock", "unlock", "alice").exitCode()).isZero();
        assertThat(h.sheep.locks()).isEmpty();
    }

    @Test
    void unlockWithForceDoesNotAskAndAnUnlockedVdiIsNotFound() {
        assertThat(h.run("vdi", "lock", "unlock", "--force", "alice").exitCode()).isZero();
        assertThat(h.sheep.locks()).isEmpty();
        Result again = h.run("vdi", "lock", "unlock", "--force", "alice");
        assertThat(again.exitCode()).isEqualTo(5);
        assertThat(again.stderr()).isEqualTo("collie: VDI alice is not locked\n");
    }

    @Test
    void migrateNamesTheDestinationOrCancels() {
        Result r = h.run("vdi", "lock", "migrate", "alice", "10.0.0.2:7000");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("VDI alice may now be attached through node 10.0.0.2:7000; its lock moves "
                + "there with the destination's first write\n");
        assertThat(h.run("vdi", "lock", "list").stdout()).contains("  migrating to node ");
        assertThat(h.run("vdi", "lock", "migrate", "--cancel", "alice").stdout())
                .isEqualTo("VDI alice stays with 10.0.0.5 through node 10.0.0.1:7000\n");
        assertThat(h.run("vdi", "lock", "list").stdout()).endsWith("  locked\n");
        Result both = h.run("vdi", "lock", "migrate", "--cancel", "alice", "10.0.0.2:7000");
        assertThat(both.exitCode()).isEqualTo(64);
        assertThat(both.stderr()).contains("name the destination NODE, or --cancel, not both");
    }

    @Test
    void modeTakesExclusiveOrSharedOnly() {
        Result bad = h.run("vdi", "lock", "mode", "bob", "open");
        assertThat(bad.exitCode()).isEqualTo(64);
        assertThat(bad.stderr()).contains("expected exclusive or shared, not 'open'");
        assertThat(h.run("vdi", "lock", "mode", "alice", "shared").exitCode()).as("locked").isEqualTo(1);
    }
}
