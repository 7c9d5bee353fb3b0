package io.sheepdog.collie.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.api.RefusedNode;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie node list / info against FakeSheep (two members) behind a real SheepServer. */
@ExtendWith(NettyLeakCheck.class)
class NodeCommandsTest {

    private final CollieHarness h = new CollieHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void listMarksTheAnsweringNode() {
        Result r = h.run("node", "list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(""
                + "  Id   Host:Port         V-Nodes       Zone\n"
                + "*  0   10.0.0.1:7000       \t128          0\n"
                + "   1   10.0.0.2:7000       \t128          1\n");
        assertThat(h.run("node", "list", "-r").stdout()).isEqualTo(""
                + "0 10.0.0.1:7000 128 0\n"
                + "1 10.0.0.2:7000 128 1\n");
    }

    @Test
    void listShowsRefusedNodesOnStderr() {
        h.sheep.setRefusals(List.of(new RefusedNode(0, "10.0.0.9:7000",
                "it was formatted into cluster X, but this is cluster Y")));
        Result r = h.run("node", "list");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("10.0.0.1:7000").doesNotContain("10.0.0.9");
        assertThat(r.stderr()).contains("Refused nodes").contains("10.0.0.9:7000")
                .contains("formatted into cluster X");
    }

    @Test
    void listAsJsonCarriesNodeIdsAndSelf() throws Exception {
        JsonNode json = new ObjectMapper().readTree(h.run("node", "list", "--json").stdout());
        assertThat(json).hasSize(2);
        assertThat(json.get(0).get("self").asBoolean()).isTrue();
        assertThat(json.get(1).get("host").asText()).isEqualTo("10.0.0.2");
        assertThat(json.get(1).get("id").asLong()).isNotZero();
    }

    @Test
    void infoShowsSpacePerNodeAndTotals() {
        h.run("cluster", "format");
        h.run("vdi", "create", "a", "40G");
        h.run("vdi", "create", "b", "512M");
        Result r = h.run("node", "info");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(""
                + "Id\tSize\tUsed\tAvail\tUse%\n"
                + " 0\t100 GB\t1.0 GB\t99 GB\t  1%\n"
                + " 1\t100 GB\t1.0 GB\t99 GB\t  1%\n"
                + "Total\t200 GB\t2.0 GB\t198 GB\t  1%\n"
                + "\n"
                + "Total virtual image size\t40 GB\n");
        long gib = 1L << 30;
        assertThat(h.run("node", "info", "-r").stdout()).isEqualTo(""
                + "0 " + 100 * gib + " " + gib + " " + 99 * gib + " 1%\n"
                + "1 " + 100 * gib + " " + gib + " " + 99 * gib + " 1%\n"
                + "Total " + 200 * gib + " " + 2 * gib + " " + 198 * gib + " 1% " + (40 * gib + 512L * (1 << 20))
                + "\n");
    }

    @Test
    void infoWorksBeforeFormat() throws Exception {
        Result r = h.run("node", "info", "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertThat(json.get("nodes")).hasSize(2);
        assertThat(json.get("total").get("capacityBytes").asLong()).isEqualTo(200L << 30);
        assertThat(json.get("totalVirtualImageSize").asLong()).isZero();
    }
}
