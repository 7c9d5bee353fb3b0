package io.sheepdog.collie.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ObjectCheck.Finding;
import io.sheepdog.daemon.api.ObjectCheck.Outcome;
import io.sheepdog.daemon.api.ObjectCheck.Problem;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import io.sheepdog.store.ObjectId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * collie vdi check / cluster check against FakeSheep behind a real SheepServer: which objects are checked, the
 * summary, the JSON and the exit codes.
 */
@ExtendWith(NettyLeakCheck.class)
class CheckCommandsTest {
    private static final long OBJECT = 4L * 1024 * 1024;

    private final CollieHarness h = new CollieHarness();
    private VdiInfo alpha;
    private VdiInfo beta;

    @BeforeEach
    void vdis() throws Exception {
        assertThat(h.run("cluster", "format", "--copies", "2").exitCode()).isZero();
        alpha = h.sheep.create("alpha", 10 * OBJECT, 0);
        beta = h.sheep.create("beta", 10 * OBJECT, 0);
        for (int index : new int[] {0, 3}) {
            h.sheep.write(alpha.vid(), index * OBJECT, Unpooled.wrappedBuffer(new byte[] {1}), false).join();
        }
        h.sheep.write(beta.vid(), 7 * OBJECT, Unpooled.wrappedBuffer(new byte[] {2}), false).join();
    }

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void vdiCheckChecksTheInodeAndEveryAllocatedObjectOfThatVdi() {
        Result r = h.run("vdi", "check", "alpha");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(h.sheep.checked()).containsExactlyInAnyOrder(ObjectId.inode(alpha.vid()),
                ObjectId.data(alpha.vid(), 0), ObjectId.data(alpha.vid(), 3));
        assertThat(r.stdout()).isEqualTo(""
                + "Objects checked: 3\n"
                + "Replicas repaired: 0\n"
                + "Unrecoverable objects: none\n"
                + "Every replica is consistent.\n");
        // Not a terminal: plain progress lines on stderr, the last one complete.
        assertThat(r.stderr()).endsWith("100.0% 3/3 objects checked\n").doesNotContain("\r");
    }

    @Test
    void clusterCheckCoversEveryVdiAndReportsRepairsAsSuccess() {
        long damaged = ObjectId.data(alpha.vid(), 3);
        h.sheep.setCheck(new ObjectCheck(damaged, Outcome.REPAIRED, 2, "3.7",
                List.of(new Finding("10.0.0.2:7000", Problem.DAMAGED, true, "checksum mismatch in block 0"))));

        Result r = h.run("cluster", "check", "--parallel", "2");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(h.sheep.checked()).hasSize(5).contains(ObjectId.inode(beta.vid()), ObjectId.data(beta.vid(), 7));
        assertThat(r.stdout()).isEqualTo(""
                + "Objects checked: 5\n"
                + "Replicas repaired: 1 (damaged 1)\n"
                + "  " + ObjectId.toString(damaged) + " on 10.0.0.2:7000: damaged, repaired: checksum mismatch in block 0\n"
                + "Unrecoverable objects: none\n"
                + "Repairs were made: every object has all its replicas again.\n");
    }

    @Test
    void anUnrecoverableObjectIsNamedAndFailsTheCheck() throws Exception {
        long lost = ObjectId.data(beta.vid(), 7);
        h.sheep.setCheck(new ObjectCheck(lost, Outcome.UNRECOVERABLE, 2, "", List.of(
                new Finding("10.0.0.1:7000", Problem.DAMAGED, false, "checksum mismatch"),
                new Finding("10.0.0.2:7000", Problem.MISSING, false, "no replica"))));
        long stale = ObjectId.inode(alpha.vid());
        h.sheep.setCheck(new ObjectCheck(stale, Outcome.REPAIRED, 2, "2.4",
                List.of(new Finding("10.0.0.1:7000", Problem.STALE, true, "version 2.3, good copy 2.4"))));

        Result text = h.run("cluster", "check");
        assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
        assertThat(text.stdout()).contains("Unrecoverable objects: " + ObjectId.toString(lost) + "\n")
                .contains("Replicas repaired: 1 (stale 1)\n")
                .endsWith("DATA LOST: 1 object has no good replica left.\n");

        Result json = h.run("cluster", "check", "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        JsonNode report = new ObjectMapper().readTree(json.stdout());
        assertThat(report.get("objects").asInt()).isEqualTo(5);
        assertThat(report.get("repaired").get("STALE").asLong()).isEqualTo(1);
        assertThat(report.get("unrecoverable").get(0).asText()).isEqualTo(ObjectId.toString(lost));
        assertThat(report.get("notOk")).hasSize(2);
    }

    @Test
    void badParallelIsAUsageError() {
        Result r = h.run("vdi", "check", "alpha", "--parallel", "0");
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.stderr()).contains("--parallel must be between 1 and 64, not 0");
        assertThat(h.sheep.checked()).isEmpty();
    }

    @Test
    void anUnknownVdiIsNotFound() {
        Result r = h.run("vdi", "check", "nope");
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.stderr()).contains("nope");
    }
}
