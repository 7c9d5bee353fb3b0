package io.sheepdog.collie.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.collie.ExitCodes;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** collie cluster keygen, key create and key show: offline, files on disk, every refusal with its reason. */
class KeyCommandsTest {

    @TempDir
    Path dir;

    private static Result collie(String... args) {
        return CollieHarness.runBare(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void keygenWritesTheCaAndAnAdminKeyAndNeverOverwrites() throws Exception {
        Path keys = dir.resolve("keys");
        Result r = collie("cluster", "keygen", keys.toString(), "--cluster", "prod");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("Created the keys of cluster 'prod'", "--keys " + keys);
        assertThat(keys.resolve("ca-cert.pem")).isNotEmptyFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("ca-key.pem"))))
                .isEqualTo("rw-------");
        assertThat(keys.resolve("admin/client-key.pem")).isNotEmptyFile();
        String ca = Files.readString(keys.resolve("ca-key.pem"));

        Result again = collie("cluster", "keygen", keys.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.EXISTS);
        assertThat(again.stderr()).contains("is not empty");
        assertThat(Files.readString(keys.resolve("ca-key.pem"))).isEqualTo(ca);

        Result shown = collie("key", "show", keys.resolve("admin").toString());
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.stdout()).contains("Name:        admin", "Role:        admin", "O=prod", "SHA-256:");
    }

    @Test
    void keyCreateMakesEachRoleAndRefusesNonsense() throws Exception {
        Path keys = dir.resolve("keys");
        assertThat(collie("cluster", "keygen", keys.toString()).exitCode()).isZero();
        Result vm = collie("key", "create", "qemu-1", "--ca", keys.toString(), "--role", "vdi:alice,bob", "-o",
                dir.resolve("vm").toString(), "--days", "30");
        assertThat(vm.exitCode()).as(vm.toString()).isZero();
        assertThat(collie("key", "show", dir.resolve("vm").toString()).stdout()).contains("Role:        vdi alice, bob");

        Result node = collie("key", "create", "node 10.0.0.1:7000", "--ca", keys.toString(), "--role", "node",
                "--host", "10.0.0.1", "-o", dir.resolve("node1").toString());
        assertThat(node.exitCode()).as(node.toString()).isZero();
        assertThat(dir.resolve("node1/node-cert.pem")).isNotEmptyFile();
        assertThat(dir.resolve("node1/ca-cert.pem")).isNotEmptyFile();
        assertThat(dir.resolve("node1/ca-key.pem")).doesNotExist();

        Result badRole = collie("key", "create", "x", "--ca", keys.toString(), "--role", "root", "-o",
                dir.resolve("x").toString());
        assertThat(badRole.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badRole.stderr()).contains("unknown role 'root'");
        Result noCaKey = collie("key", "create", "x", "--ca", dir.resolve("node1").toString(), "--role", "admin",
                "-o", dir.resolve("x").toString());
        assertThat(noCaKey.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(noCaKey.stderr()).contains("has no ca-key.pem");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void keyNoneIsPlaintext() {
        try (CollieHarness sheep = new CollieHarness()) {
            Result r = sheep.run("--key", "none", "node", "list");
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
    }

    @Test
    void aMissingKeyIsNotAuthorizedBeforeAnyConnection() {
        Result r = collie("--key", dir.resolve("nowhere").toString(), "-p", "1", "node", "list");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_AUTHORIZED);
        assertThat(r.stderr()).contains("cannot use the key: no key at");
    }
}
