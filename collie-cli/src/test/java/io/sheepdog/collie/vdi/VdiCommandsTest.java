package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie vdi create / list / delete against FakeSheep behind a real SheepServer: exact output and exit codes. */
@ExtendWith(NettyLeakCheck.class)
class VdiCommandsTest {

    private static final String HEADER =
            "  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag\n";
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
    void createThenListAsDogPrintsIt() {
        Result c = h.run("vdi", "create", "alpha", "40G");
        assertThat(c.exitCode()).as(c.toString()).isZero();
        assertThat(c.stdout()).isEmpty();
        assertThat(h.run("vdi", "create", "beta", "512M", "--copies", "1").exitCode()).isZero();
        // One byte written makes beta own one 4 MiB object.
        assertThat(h.runWithStdin(new ByteArrayInputStream(new byte[] {7}), "vdi", "write", "beta", "100")
                .exitCode()).isZero();

        Result r = h.run("vdi", "list");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo(HEADER
                + "  alpha        0   40 GB  0.0 MB  0.0 MB 2026-01-02 03:04   ed202b      2              \n"
                + "  beta         0  512 MB  4.0 MB  0.0 MB 2026-01-02 03:04   4620a7      1              \n");
        assertThat(h.run("vdi", "list", "beta").stdout()).isEqualTo(HEADER
                + "  beta         0  512 MB  4.0 MB  0.0 MB 2026-01-02 03:04   4620a7      1              \n");
    }

    @Test
    void rawListIsSpaceSeparatedBytesAndSeconds() {
        h.run("vdi", "create", "test", "1T");
        h.run("vdi", "create", "a b\\c", "4096");
        Result r = h.run("vdi", "list", "-r");
        assertThat(r.exitCode()).isZero();
        // Sorted by name; whitespace and backslashes in names are escaped.
        assertThat(r.stdout()).isEqualTo(""
                + "= a\\ b\\\\c 0 4096 0 0 1767323045 " + vidOf("a b\\c") + " 2 \n"
                + "= test 0 1099511627776 0 0 1767323045 7c2b25 2 \n");
    }

    private String vidOf(String name) {
        try {
            return Integer.toHexString(h.sheep.lookup(name).vid());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void listAsJson() throws Exception {
        h.run("vdi", "create", "alpha", "40G");
        JsonNode json = new ObjectMapper().readTree(h.run("vdi", "list", "--json").stdout());
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("name").asText()).isEqualTo("alpha");
        assertThat(json.get(0).get("size").asLong()).isEqualTo(40L << 30);
        assertThat(json.get(0).get("vid").asInt()).isEqualTo(0xed202b);
    }

    @Test
    void createVerbosePrintsTheVdiId() {
        assertThat(h.run("vdi", "create", "-v", "test", "4M").stdout())
                .isEqualTo("VDI ID of newly created VDI: 7c2b25\n");
    }

    @Test
    void existingVdiExits3() {
        h.run("vdi", "create", "taken", "4M");
        Result r = h.run("vdi", "create", "taken", "8M");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stderr()).isEqualTo("collie: VDI taken already exists\n");
    }

    @Test
    void deleteRemovesAndMissingExits5() {
        h.run("vdi", "create", "doomed", "4M");
        Result d = h.run("vdi", "delete", "doomed");
        assertThat(d.exitCode()).as(d.toString()).isZero();
        assertThat(d.stdout()).isEmpty();
        assertThat(h.run("vdi", "list", "-r").stdout()).isEmpty();
        Result again = h.run("vdi", "delete", "doomed");
        assertThat(again.exitCode()).isEqualTo(5);
        assertThat(again.stderr()).isEqualTo("collie: VDI doomed does not exist\n");
    }

    @Test
    void daemonRefusalsArriveWithTheDaemonsMessage() {
        Result tooBig = h.run("vdi", "create", "huge", "5T");
        assertThat(tooBig.exitCode()).isEqualTo(64);
        assertThat(tooBig.stderr()).startsWith("collie: VDI size must be between 1 byte and 4393751543808 bytes, not ");
        Result zero = h.run("vdi", "create", "empty", "0");
        assertThat(zero.exitCode()).isEqualTo(64);
        assertThat(zero.stderr()).startsWith("collie: SIZE must be at least 1 byte");
    }

    @Test
    void unformattedClusterIsAFailure() {
        h.run("cluster", "format", "--force");
        CollieHarness fresh = new CollieHarness();
        try {
            Result r = fresh.run("vdi", "list");
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.stderr()).isEqualTo("collie: the cluster is not formatted yet: run 'collie cluster format'\n");
        } finally {
            fresh.close();
        }
    }
}
