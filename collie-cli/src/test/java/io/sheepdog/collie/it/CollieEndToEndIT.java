package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.collie.it.CollieRunner.Mode;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.FreePorts;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * collie against one real daemon process, as an operator uses it: format, info, node and VDI commands, data round
 * trips through {@code vdi write}/{@code vdi read}, and the documented exit codes (0 ok, 2 cannot reach the daemon,
 * 3 exists, 5 not found, 64 usage). The daemon is shared by the tests of this class; each test uses its own VDIs.
 * Most commands run collie in this JVM (fast); exit codes and half the data transfers use a real collie process.
 */
class CollieEndToEndIT {
    private static final long MIB = 1L << 20;

    @TempDir
    static Path work;

    private static SheepProcess sheep;
    private static CollieRunner collie;

    @BeforeAll
    static void startAndFormat() {
        sheep = SheepProcess.start(work.resolve("sheep"));
        collie = CollieRunner.against(sheep, Mode.IN_PROCESS);
        collie.ok("cluster", "format", "--copies", "1");
    }

    @AfterAll
    static void stop() {
        if (sheep != null) {
            try {
                assertThat(sheep.log()).as("Netty leak reports in the daemon log").doesNotContain("LEAK:");
            } finally {
                sheep.close();
            }
        }
    }

    @Test
    void clusterAndNodeCommandsDescribeTheOneNodeCluster() {
        String info = collie.ok("cluster", "info").stdout();
        assertThat(info.toLowerCase()).as(info).contains("running");

        // A second format is refused with "exists" unless forced.
        collie.expectExit(3, "cluster", "format", "--copies", "1");

        String nodes = collie.ok("node", "list").stdout();
        assertThat(nodes).as(nodes).contains("127.0.0.1").contains(Integer.toString(sheep.port()));

        String node = collie.ok("node", "info").stdout();
        assertThat(node).as(node).isNotBlank();
    }

    @Test
    void vdiCreateListInAllFormatsAndDelete() throws IOException {
        String name = "list-me";
        long size = 64 * MIB;
        collie.ok("vdi", "create", name, "64M");

        assertThat(collie.ok("vdi", "list").stdout()).contains(name);

        // -r: one line per VDI, fields separated by spaces, sizes in bytes.
        String raw = collie.ok("vdi", "list", "-r").stdout();
        List<String> fields = raw.lines().filter(l -> Arrays.asList(l.split("\\s+")).contains(name))
                .flatMap(l -> Arrays.stream(l.split("\\s+"))).toList();
        assertThat(fields).as(raw).contains(Long.toString(size));

        JsonNode vdi = findVdi(new ObjectMapper().readTree(collie.ok("vdi", "list", "--json").stdout()), name);
        assertThat(vdi).as("VDI %s in --json output", name).isNotNull();
        assertThat(vdi.get("size").asLong()).isEqualTo(size);

        collie.ok("vdi", "delete", name);
        assertThat(collie.ok("vdi", "list", "-r").stdout()).doesNotContain(name);
        collie.expectExit(5, "vdi", "delete", name);
    }

    @Test
    void randomDataRoundTripsAtOddOffsets() throws IOException {
        String name = "round-trip";
        collie.ok("vdi", "create", name, "16M");
        long seed = System.nanoTime();
        System.out.println("randomDataRoundTripsAtOddOffsets seed=" + seed);
        Random random = new Random(seed);
        // Odd offsets and lengths, one crossing the 4 MiB object boundary, one ending at the last byte.
        long[][] extents = {{1, 4097}, {4 * MIB - 3001, 10_000}, {12_345_678, 3333}, {16 * MIB - 777, 777}};
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < extents.length; i++) {
            byte[] data = new byte[(int) extents[i][1]];
            random.nextBytes(data);
            Path in = Files.write(work.resolve("in-" + i), data);
            CommandResult w = runner(i).runWithInput(in, "vdi", "write", name, Long.toString(extents[i][0]),
                    Long.toString(extents[i][1]));
            assertThat(w.exitCode()).as(w.describe()).isZero();
            written.add(data);
        }
        for (int i = 0; i < extents.length; i++) {
            // Read back the other way round: what one mode wrote, the other reads.
            assertThat(read(runner(i + 1), name, extents[i][0], extents[i][1]))
                    .as("bytes at %d (seed %d)", extents[i][0], seed).isEqualTo(written.get(i));
        }
        // Never written: reads as zeroes.
        assertThat(read(collie, name, 8 * MIB, 65536)).isEqualTo(new byte[65536]);
    }

    @Test
    void vdiSurvivesKill9AndRestartOfTheDaemon() throws IOException {
        String name = "survivor";
        collie.ok("vdi", "create", name, "8M");
        byte[] data = new byte[5000];
        new Random(42).nextBytes(data);
        Path in = Files.write(work.resolve("survivor.bin"), data);
        CommandResult w = collie.runWithInput(in, "vdi", "write", name, "1000", "5000");
        assertThat(w.exitCode()).as(w.describe()).isZero();

        sheep.kill9();
        sheep.restart();

        assertThat(collie.ok("vdi", "list", "-r").stdout()).contains(name);
        assertThat(read(collie, name, 1000, 5000)).isEqualTo(data);
    }

    @Test
    void exitCodesFollowTheDocumentedContract() {
        // The real process: main, System.exit and all.
        CollieRunner process = collie.in(Mode.PROCESS);
        process.ok("vdi", "create", "taken", "4M");
        process.expectExit(3, "vdi", "create", "taken", "4M");
        process.expectExit(5, "vdi", "read", "no-such-vdi", "0", "512");
        process.expectExit(5, "vdi", "delete", "no-such-vdi");

        int nobody = FreePorts.pick(1)[0];
        CommandResult unreachable = CollieRunner.at(SheepProcess.HOST, nobody, Mode.PROCESS).run("vdi", "list");
        assertThat(unreachable.exitCode()).as(unreachable.describe()).isEqualTo(2);
        assertThat(unreachable.stderr()).as("says why").isNotBlank();

        process.expectExit(64, "vdi", "create");
        process.expectExit(64, "no-such-noun");
        process.expectExit(64, "vdi", "create", "bad-size", "twelve");
    }

    /** collie in this JVM for even {@code i}, as its own process for odd. */
    private static CollieRunner runner(int i) {
        return i % 2 == 0 ? collie : collie.in(Mode.PROCESS);
    }

    private static byte[] read(CollieRunner runner, String name, long offset, long length) throws IOException {
        Path out = work.resolve("out-" + name + "-" + offset);
        CommandResult r = runner.runWithOutput(out, "vdi", "read", name, Long.toString(offset),
                Long.toString(length));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return Files.readAllBytes(out);
    }

    /** The object with this "name" anywhere in the JSON (an array of VDIs, or an object holding one). */
    private static JsonNode findVdi(JsonNode node, String name) {
        if (node.isObject() && name.equals(node.path("name").asText(null))) {
            return node;
        }
        for (JsonNode child : node) {
            JsonNode found = findVdi(child, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
