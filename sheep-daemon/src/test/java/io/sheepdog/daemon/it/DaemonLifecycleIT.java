package io.sheepdog.daemon.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.FreePorts;
import io.sheepdog.daemon.testing.process.JavaCommand;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process contract of {@code sheep} that the scripts and operators rely on: the PID file appears once the daemon
 * listens and holds its PID, SIGTERM ends it and removes the PID file, and bad arguments or an unusable store end it
 * at once with a non-zero status and a message.
 */
class DaemonLifecycleIT {
    @TempDir
    Path work;

    @Test
    void pidFileMeansReadyAndSigtermRemovesIt() throws IOException {
        try (SheepProcess sheep = SheepProcess.start(work)) {
            assertThat(Files.readString(sheep.pidFile()).strip()).isEqualTo(Long.toString(sheep.pid()));
            sheep.stop();
            assertThat(sheep.isAlive()).isFalse();
            assertThat(sheep.pidFile()).as("PID file after SIGTERM").doesNotExist();
            assertThat(sheep.log()).doesNotContain("LEAK:");
        }
    }

    @Test
    void restartsOnTheSameStoreAndPortsAfterKill9() {
        try (SheepProcess sheep = SheepProcess.start(work)) {
            long first = sheep.pid();
            int port = sheep.port();
            int nbdPort = sheep.nbdPort();
            sheep.kill9();
            assertThat(sheep.pidFile()).as("a killed daemon cannot remove its PID file").exists();
            sheep.restart();
            assertThat(sheep.pid()).isNotEqualTo(first);
            assertThat(sheep.port()).isEqualTo(port);
            assertThat(sheep.nbdPort()).isEqualTo(nbdPort);
        }
    }

    @Test
    void badArgumentsEndTheDaemonWithAMessage() {
        CommandResult notAPort = sheep("--port", "seventy", work.resolve("store").toString());
        assertThat(notAPort.exitCode()).as(notAPort.describe()).isNotZero();
        assertThat(notAPort.output()).as(notAPort.describe()).contains("--port");

        CommandResult noStore = sheep("--port", "7000");
        assertThat(noStore.exitCode()).as(noStore.describe()).isNotZero();
        assertThat(noStore.output()).as(noStore.describe()).isNotBlank();
    }

    @Test
    void unusableStoreEndsTheDaemonWithAMessage() throws IOException {
        Path notADirectory = Files.writeString(work.resolve("a-file"), "not a store");
        int[] ports = FreePorts.pickSheep();
        CommandResult r = sheep("--port", String.valueOf(ports[0]), "--nbd-port", String.valueOf(ports[1]),
                "--bind", "127.0.0.1", notADirectory.toString());
        assertThat(r.exitCode()).as(r.describe()).isNotZero();
        assertThat(r.output()).as(r.describe()).contains(notADirectory.toString());
    }

    @Test
    void aReachableAddressWithoutKeysIsRefused() {
        int[] ports = FreePorts.pickSheep();
        CommandResult r = sheep("--port", String.valueOf(ports[0]), "--nbd-port", String.valueOf(ports[1]),
                "--bind", "192.0.2.1", work.resolve("store").toString());
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(64);
        assertThat(r.output()).as(r.describe()).contains("reachable from other machines", "--keys", "--insecure");
    }

    /** Runs the daemon in the foreground with {@code args}; it is expected to give up at once. */
    private static CommandResult sheep(String... args) {
        return ExternalCommand.of(JavaCommand.of(List.of("-Xmx256m"), SheepProcess.MAIN_CLASS, List.of(args)))
                .timeout(Duration.ofSeconds(60)).run();
    }
}
