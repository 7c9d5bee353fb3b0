package io.sheepdog.collie.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** collie cluster simulate: offline, so no daemon and no connection options needed. */
class ClusterSimulateCommandTest {

    @TempDir
    Path dir;

    private static Result collie(String... args) {
        return CollieHarness.runBare(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void printsOneRowPerClusterSizeAndWritesThePng() {
        Path png = dir.resolve("load.png");
        Result r = collie("cluster", "simulate", "--objects", "3000", "--nodes", "1,4,9", "--zones", "3",
                "--png", png.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("Placement of 3000 objects, 3 copies, 128 vnodes per node, 3 zones (seed 1)");
        assertThat(lines[2]).startsWith("Nodes Zones Copies Max/mean Min/mean");
        assertThat(lines).hasSize(6);
        // One node, one zone: one copy, perfect balance, and no leave figures.
        assertThat(lines[3]).matches(" +1 +1 +1 +1\\.000 +1\\.000 .*\\(50\\.00%.* - .*");
        assertThat(lines[4]).matches(" +4 +3 +3 .*");
        assertThat(lines[5]).matches(" +9 +3 +3 .*\\(10\\.00%, [0-9.]+x\\) .*\\(11\\.11%, [0-9.]+x\\) +[0-9]+");
        assertThat(r.stderr()).contains("simulate: 9 nodes: one node joins").contains("wrote the load histogram");
        assertThat(png).isNotEmptyFile();
    }

    @Test
    void jsonHasTheFiguresOfEverySize() throws Exception {
        Result r = collie("cluster", "simulate", "--objects", "2000", "--nodes", "2,3", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertThat(json).hasSize(2);
        assertThat(json.get(1).get("nodes").asInt()).isEqualTo(3);
        assertThat(json.get(1).get("objects").asLong()).isEqualTo(2000);
        assertThat(json.get(1).get("maxOverMean").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(json.get(1).get("joinIdeal").asDouble()).isEqualTo(0.25);
    }

    @Test
    void badSettingsAreUsageErrors() {
        for (String[][] c : new String[][][] {
            {{"--nodes", "0"}, {"at least 1 node"}},
            {{"--nodes", "ten"}, {"--nodes"}},
            {{"--copies", "0"}, {"--copies must be between 1 and 31"}},
            {{"--objects", "-5"}, {"--objects must be between"}},
            {{"--zones", "-1"}, {"--zones must not be negative"}},
        }) {
            String[] args = new String[2 + c[0].length];
            args[0] = "cluster";
            args[1] = "simulate";
            System.arraycopy(c[0], 0, args, 2, c[0].length);
            Result r = collie(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(64);
            assertThat(r.stderr()).as(String.join(" ", args)).startsWith("collie: ").contains(c[1][0]);
            assertThat(r.stdout()).isEmpty();
        }
    }

    @Test
    void aPngInAMissingDirectoryFailsWithAMessage() {
        Result r = collie("cluster", "simulate", "--objects", "100", "--nodes", "2",
                "--png", dir.resolve("missing/x.png").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("collie: cannot write").contains("does not exist");
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
    }

    @Test
    void helpNamesTheCommandAndItsOptions() {
        assertThat(collie("cluster", "--help").stdout()).contains("simulate");
        Result r = collie("cluster", "simulate", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).contains("--objects").contains("--nodes").contains("--zones").contains("--copies")
                .contains("--vnodes").contains("--png").contains("no daemon needed");
    }
}
