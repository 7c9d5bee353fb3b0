package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.FreePorts;
import io.sheepdog.daemon.testing.process.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/start-sheepdog and scripts/stop-sheepdog as a user runs them, with three nodes: on a temporary run
 * directory and ports away from the default 7000/10809 (so a developer's own cluster is left alone), against the
 * jars `mvn package` built. SHEEPDOG_NO_BUILD=1 keeps the scripts from starting a nested Maven build; without the
 * jars the test is skipped.
 */
class StartScriptIT {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final String VDI = "it-disk";
    private static final int NODES = 3;

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
        int[] ports = FreePorts.pickSheepRange(NODES);
        port = ports[0];
        nbdPort = ports[1];
    }

    @AfterEach
    void stopWhateverIsLeft() {
        // Whatever the test did, no daemon may outlive it: stop-sheepdog, then SIGKILL by PID file as a last resort.
        script("stop-sheepdog", "--dir", runDir.toString(), "--timeout", "10");
        for (int i = 0; i < NODES; i++) {
            pid(i).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void startsThreeNodesFormatsExportsEverywhereIsIdempotentAndStops() throws SheepException {
        CommandResult first = start();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        assertThat(first.stdout()).as(first.describe()).contains("qemu-system-x86_64")
                .contains("all 3 node(s) are members").contains("formatted the cluster with 3 copies")
                .contains("created VDI");
        List<Long> pids = pids();
        for (int i = 0; i < NODES; i++) {
            String url = url(i);
            assertThat(first.stdout()).as("attach instructions for node %d", i).contains(url);
            assertThat(Processes.isRunning(pids.get(i))).as("sheep %d running", i).isTrue();
            CommandResult size = ExternalCommand.of("nbdinfo", "--size", url).run();
            assertThat(size.exitCode()).as(size.describe()).isZero();
            assertThat(size.stdout().strip()).as("size through node %d", i).isEqualTo(Long.toString(64L << 20));
            try (SheepClient c = SheepClient.connect("127.0.0.1", port + i, Duration.ofSeconds(30))) {
                ClusterInfo info = c.info();
                assertThat(info.copies()).as("copies seen by node %d", i).isEqualTo(3);
                assertThat(info.status()).isEqualTo("running");
                assertThat(c.nodes()).as("members seen by node %d", i).extracting(NodeInfo::port)
                        .containsExactlyInAnyOrder(port, port + 1, port + 2);
                assertThat(c.nodes()).extracting(NodeInfo::zone).containsExactlyInAnyOrder(0, 1, 2);
            }
        }

        CommandResult second = start();
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(second.stdout()).as(second.describe()).contains("sheep 0 is already running")
                .contains("sheep 2 is already running").contains("formatted already").contains("exists already");
        assertThat(pids()).isEqualTo(pids);

        CommandResult stop = script("stop-sheepdog", "--dir", runDir.toString());
        assertThat(stop.exitCode()).as(stop.describe()).isZero();
        for (int i = 0; i < NODES; i++) {
            assertThat(Processes.isRunning(pids.get(i))).as("sheep %d running after stop-sheepdog", i).isFalse();
            assertThat(runDir.resolve("sheep" + i + ".pid")).doesNotExist();
            assertThat(runDir.resolve(Integer.toString(i))).as("the store stays").isDirectory();
        }

        CommandResult again = script("stop-sheepdog", "--dir", runDir.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.stdout()).contains("no sheep running");

        // Started again on the same stores, the cluster resumes with its format and VDI.
        CommandResult restart = start();
        assertThat(restart.exitCode()).as(restart.describe()).isZero();
        assertThat(restart.stdout()).as(restart.describe()).contains("formatted already").contains("exists already");
        CommandResult size = ExternalCommand.of("nbdinfo", "--size", url(2)).run();
        assertThat(size.exitCode()).as(size.describe()).isZero();
    }

    @Test
    void restartsTheFoundingNodeAfterACrashIntoTheRunningCluster() throws SheepException {
        CommandResult first = start();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        long crashed = pid(0).orElseThrow();
        long survivor = pid(1).orElseThrow();
        ProcessHandle.of(crashed).orElseThrow().destroyForcibly();
        assertThat(Processes.awaitExit(crashed, Duration.ofSeconds(30))).as("sheep %d gone after SIGKILL", crashed)
                .isTrue();
        assertThat(runDir.resolve("sheep0.pid")).as("a killed daemon leaves its PID file").exists();

        CommandResult second = start();
        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(second.stderr()).contains("stale");
        assertThat(second.stdout()).contains("sheep 1 is already running").contains("formatted already")
                .contains("exists already");
        assertThat(pid(0)).isPresent().isNotEqualTo(Optional.of(crashed));
        assertThat(pid(1)).contains(survivor);
        // Node 0 joined the running cluster rather than founding a second one.
        try (SheepClient c = SheepClient.connect("127.0.0.1", port + 1, Duration.ofSeconds(30))) {
            assertThat(c.nodes()).extracting(NodeInfo::port).containsExactlyInAnyOrder(port, port + 1, port + 2);
        }
        CommandResult size = ExternalCommand.of("nbdinfo", "--size", url(0)).run();
        assertThat(size.exitCode()).as(size.describe()).isZero();
    }

    @Test
    void aTakenMembershipPortFailsWithAClearMessageAndLeavesNothingRunning() throws IOException {
        int membershipOfNode1 = port + 1 + 1000;
        try (ServerSocket taken = new ServerSocket(membershipOfNode1, 1, InetAddress.getByName("127.0.0.1"))) {
            CommandResult r = start();
            assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
            assertThat(r.stderr()).as(r.describe()).contains("port " + membershipOfNode1).contains("in use");
            assertThat(taken.isBound()).isTrue();
        }
        for (int i = 0; i < NODES; i++) {
            assertThat(pid(i)).as("PID file of node %d", i).isEmpty();
        }
        assertThat(accepts(port)).as("node 0, started before the failure, is stopped again").isFalse();
    }

    private CommandResult start() {
        return script("start-sheepdog", "--nodes", Integer.toString(NODES), "--dir", runDir.toString(),
                "--port-base", Integer.toString(port), "--nbd-port-base", Integer.toString(nbdPort), "--vdi", VDI,
                "--size", "64M", "--timeout", "90");
    }

    private String url(int node) {
        return "nbd://127.0.0.1:" + (nbdPort + node) + "/" + VDI;
    }

    private static CommandResult script(String name, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "bash";
        cmd[1] = ProjectPaths.script(name).toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        return ExternalCommand.of(cmd).separateStderr().env("SHEEPDOG_NO_BUILD", "1").timeout(SCRIPT_TIMEOUT).run();
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            int node = i;
            pids.add(pid(i).orElseThrow(() -> new AssertionError("no PID file of sheep " + node)));
        }
        return pids;
    }

    private Optional<Long> pid(int node) {
        Path pidFile = runDir.resolve("sheep" + node + ".pid");
        try {
            return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip()))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
