package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.FreePorts;
import io.sheepdog.daemon.testing.process.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/start-sheepdog and scripts/stop-sheepdog as a user runs them: on a temporary run directory and ports away
 * from the default 7000/10809 (so a developer's own cluster is left alone), against the jars `mvn package` built.
 * SHEEPDOG_NO_BUILD=1 keeps the scripts from starting a nested Maven build; without the jars the test is skipped.
 */
class StartScriptIT {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final String VDI = "it-disk";

    @TempDir
    Path runDir;

    private int port;
    private int nbdPort;

    @BeforeEach
    void needJarsAndNbdinfo() {
        for (String module : new String[] {"sheep-daemon", "collie-cli"}) {
            assumeTrue(Files.isRegularFile(ProjectPaths.moduleJar(module)),
                    () -> ProjectPaths.moduleJar(module) + " not built (run mvn package)");
        }
        assumeTrue(ExternalCommand.isOnPath("nbdinfo"), "nbdinfo (libnbd-bin) not installed");
        int[] ports = FreePorts.pickSheep();
        port = ports[0];
        nbdPort = ports[1];
    }

    @AfterEach
    void stopWhateverIsLeft() {
        // Whatever the test did, no daemon may outlive it: stop-sheepdog, then SIGKILL by PID file as a last resort.
        script("stop-sheepdog", "--dir", runDir.toString(), "--timeout", "10");
        pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void startsFormatsExportsIsIdempotentAndStops() {
        CommandResult first = start();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        String url = "nbd://127.0.0.1:" + nbdPort + "/" + VDI;
        assertThat(first.stdout()).as(first.describe()).contains(url).contains("qemu-system-x86_64")
                .contains("formatted the cluster").contains("created VDI");
        long pid = pid().orElseThrow();
        assertThat(Processes.isRunning(pid)).as("sheep %d running", pid).isTrue();

        CommandResult size = ExternalCommand.of("nbdinfo", "--size", url).run();
        assertThat(size.exitCode()).as(size.describe()).isZero();
        assertThat(size.stdout().strip()).isEqualTo(Long.toString(64L << 20));

        CommandResult second = start();
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(second.stdout()).as(second.describe()).contains("already running")
                .contains("formatted already").contains("exists already");
        assertThat(pid()).contains(pid);

        CommandResult stop = script("stop-sheepdog", "--dir", runDir.toString());
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        assertThat(Processes.isRunning(pid)).as("sheep %d running after stop-sheepdog", pid).isFalse();
        assertThat(runDir.resolve("sheep0.pid")).doesNotExist();
        assertThat(runDir.resolve("0")).as("the store stays").isDirectory();

        CommandResult again = script("stop-sheepdog", "--dir", runDir.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("no sheep running");
    }

    @Test
    void restartsAfterACrashAndKeepsTheVdi() {
        CommandResult first = start();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        long crashed = pid().orElseThrow();
        ProcessHandle.of(crashed).orElseThrow().destroyForcibly();
        assertThat(Processes.awaitExit(crashed, Duration.ofSeconds(30))).as("sheep %d gone after SIGKILL", crashed)
                .isTrue();
        assertThat(runDir.resolve("sheep0.pid")).as("a killed daemon leaves its PID file").exists();

        CommandResult second = start();
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(second.stderr()).contains("stale");
        assertThat(second.stdout()).contains("formatted already").contains("exists already");
        assertThat(pid()).isPresent().isNotEqualTo(Optional.of(crashed));
    }

    @Test
    void portInUseFailsWithAClearMessageAndLeavesNothingRunning() throws IOException {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandResult r = start();
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).contains("port " + port).contains("in use");
            assertThat(taken.isBound()).isTrue();
        }
        assertThat(pid()).isEmpty();
    }

    private CommandResult start() {
        return script("start-sheepdog", "--dir", runDir.toString(), "--port-base", Integer.toString(port),
                "--nbd-port-base", Integer.toString(nbdPort), "--vdi", VDI, "--size", "64M", "--timeout", "90");
    }

    private static CommandResult script(String name, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "bash";
        cmd[1] = ProjectPaths.script(name).toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        return ExternalCommand.of(cmd).separateStderr().env("SHEEPDOG_NO_BUILD", "1").timeout(SCRIPT_TIMEOUT).run();
    }

    private Optional<Long> pid() {
        Path pidFile = runDir.resolve("sheep0.pid");
        try {
            return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
