package io.sheepdog.collie.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie cluster format / info against FakeSheep behind a real SheepServer. */
@ExtendWith(NettyLeakCheck.class)
class ClusterCommandsTest {

    private final CollieHarness h = new CollieHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void infoBeforeFormat() {
        Result r = h.run("cluster", "info");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("Cluster status: Waiting for cluster to be formatted\n");
        assertThat(h.run("cluster", "info", "-r").stdout()).isEqualTo("Waiting for cluster to be formatted\n");
    }

    @Test
    void formatThenInfoAsDogPrintsIt() {
        Result f = h.run("cluster", "format", "--copies", "2", "--strict");
        assertThat(f.exitCode()).as(f.toString()).isZero();
        assertThat(f.stdout()).isEmpty();
        assertThat(h.sheep.info().copies()).isEqualTo(2);
        assertThat(h.sheep.info().strict()).isTrue();

        Result r = h.run("cluster", "info");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(""
                + "Cluster status: running\n"
                + "\n"
                + "Cluster created at Fri Jan  2 03:04:05 2026\n"
                + "\n"
                + "Epoch Time           Version\n"
                + "2026-01-02 03:04:05      1 [10.0.0.1:7000, 10.0.0.2:7000]\n");
        assertThat(h.run("cluster", "info", "--raw").stdout()).isEqualTo(""
                + "running\n"
                + "1767323045 1 [10.0.0.1:7000, 10.0.0.2:7000]\n");
    }

    @Test
    void infoAsJson() throws Exception {
        h.run("cluster", "format");
        Result r = h.run("cluster", "info", "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertThat(json.get("status").asText()).isEqualTo("running");
        assertThat(json.get("copies").asInt()).isEqualTo(3);
        assertThat(json.get("createdMillis").asLong()).isEqualTo(CollieHarness.NOW.toEpochMilli());
        assertThat(json.get("epochs").get(0).get("nodes").get(1).asText()).isEqualTo("10.0.0.2:7000");
    }

    @Test
    void formatAgainNeedsForce() {
        assertThat(h.run("cluster", "format").exitCode()).isZero();
        Result again = h.run("cluster", "format");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.stderr()).isEqualTo(
                "collie: the cluster is formatted already; use --force to format it again\n");
        assertThat(h.run("cluster", "format", "--force", "-c", "1").exitCode()).isZero();
        assertThat(h.sheep.info().copies()).isEqualTo(1);
    }

    @Test
    void copiesOutOfRangeIsAUsageError() {
        Result r = h.run("cluster", "format", "--copies", "0");
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.stderr()).startsWith("collie: --copies must be between 1 and 31, got 0\n");
        assertThat(h.sheep.info().formatted()).isFalse();
    }

    @Test
    void rawAndJsonTogetherIsAUsageError() {
        Result r = h.run("cluster", "info", "-r", "--json");
        assertThat(r.exitCode()).isEqualTo(64);
        assertThat(r.stderr()).startsWith("collie: choose either -r/--raw or --json, not both");
    }
}
