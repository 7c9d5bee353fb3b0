package io.sheepdog.collie;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness.Result;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Usage errors, help, version, and the daemon being unreachable: no daemon needed. */
class CollieUsageTest {

    private static Result collie(String... args) {
        return CollieHarness.runBare(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void helpAtEveryLevelListsVerbsAndExitCodes() {
        for (String[] args : new String[][] {{"--help"}, {"vdi", "--help"}, {"vdi", "create", "--help"},
            {"cluster", "-h"}, {"node", "list", "--help"}}) {
            Result r = collie(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.stdout()).contains("Usage: collie").contains("Exit codes:")
                    .contains("64   bad usage").contains(" 2   cannot reach the sheep daemon");
            assertThat(r.stderr()).isEmpty();
        }
        assertThat(collie("--help").stdout()).contains("cluster").contains("node").contains("vdi");
        assertThat(collie("vdi", "--help").stdout()).contains("create").contains("list").contains("delete")
                .contains("read").contains("write");
    }

    @Test
    void versionNamesTheProtocol() {
        Result r = collie("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).matches("collie \\S+ \\(sheep protocol version 1\\)\\R");
        assertThat(r.stdout()).doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void usageErrorsExit64WithAMessageAndNoStackTrace() {
        String[][] cases = {
            {},
            {"no-such-noun"},
            {"vdi"},
            {"vdi", "frobnicate"},
            {"vdi", "create"},
            {"vdi", "create", "x"},
            {"vdi", "create", "x", "twelve"},
            {"vdi", "create", "x", "1G", "extra"},
            {"vdi", "list", "--no-such-option"},
            {"vdi", "read", "x", "-5"},
            {"-p", "notaport", "vdi", "list"},
            {"cluster", "format", "--copies", "many"},
        };
        for (String[] args : cases) {
            Result r = collie(args);
            assertThat(r.exitCode()).as("collie %s: %s", String.join(" ", args), r).isEqualTo(64);
            assertThat(r.stderr()).as(String.join(" ", args)).startsWith("collie: ").doesNotContain("\tat ");
            assertThat(r.stdout()).isEmpty();
        }
        assertThat(collie("vdi", "create", "x", "twelve").stderr()).contains("invalid size 'twelve'")
                .contains("Try 'collie vdi create --help'");
        assertThat(collie("vdi").stderr()).contains("Missing required subcommand").contains("create");
    }

    @Test
    void unreachableDaemonExits2AndSaysWhere() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        for (String[] verb : new String[][] {{"vdi", "list"}, {"cluster", "info"}, {"node", "list"}}) {
            String[] args = new String[verb.length + 4];
            args[0] = "-a";
            args[1] = "127.0.0.1";
            args[2] = "-p";
            args[3] = Integer.toString(port);
            System.arraycopy(verb, 0, args, 4, verb.length);
            Result r = collie(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.stderr()).isEqualTo("collie: cannot connect to sheep at 127.0.0.1:" + port
                    + ": Connection refused\n");
        }
    }

    @Test
    void connectionOptionsWorkAfterTheVerbToo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Result r = collie("vdi", "list", "--address", "127.0.0.1", "--port", Integer.toString(port));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("127.0.0.1:" + port);
    }

    @Test
    void debugAddsTheStackTrace() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Result r = collie("--debug", "-p", Integer.toString(port), "vdi", "list");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("collie: cannot connect").contains("\tat ");
    }
}
