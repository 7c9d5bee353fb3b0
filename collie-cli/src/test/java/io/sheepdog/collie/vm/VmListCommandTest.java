package io.sheepdog.collie.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie vm list: Sheepdog collie's table, against FakeSheep behind a real SheepServer. */
@ExtendWith(NettyLeakCheck.class)
class VmListCommandTest {
    private final CollieHarness h = new CollieHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void workingVdisWithWhereTheyRun() {
        h.run("cluster", "format");
        h.run("vdi", "create", "alice", "10G");
        h.run("vdi", "create", "bob", "1G");
        h.run("vdi", "create", "carol", "1G");
        h.run("vdi", "snapshot", "-s", "s1", "bob");
        h.run("vdi", "lock", "mode", "carol", "shared");
        h.sheep.lock("alice", "10.0.0.5", "10.0.0.1:7000", 1);
        Result r = h.run("vm", "list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(""
                + "Name            |Vdi size |Allocated| Shared  | Status\n"
                + "----------------+---------+---------+---------+------------\n"
                + "alice           |    10 GB|   0.0 MB|   0.0 MB| running on 10.0.0.5\n"
                + "bob             |   1.0 GB|   0.0 MB|   0.0 MB| not running\n"
                + "carol           |   1.0 GB|   0.0 MB|   0.0 MB| shared\n");
    }
}
