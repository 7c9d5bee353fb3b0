package io.sheepdog.nbd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with real clients: serves a 256 MiB {@link MemoryBlockDevice} export "conformance" and runs
 * the shared {@code nbd-conformance.sh} (nbdinfo, libnbd, nbdcopy, qemu-img, qemu-io, fio, nbd-client) against it.
 * The script is found through the system property {@code nbd.conformance.script} (set by the pom); the test is
 * skipped when the script or the client tools are missing. The script's output goes to the test log; its
 * per-check logs stay in {@code target/nbd-conformance-logs}.
 */
@Tag("interop")
class NbdConformanceIT {

    private static final long SIZE = 256L << 20;
    private static final long SCRIPT_TIMEOUT_MINUTES = 20;

    @Test
    void conformanceScriptReportsNoFailures() throws Exception {
        // kept after the run (a temp dir would be gone) so that a failed check can be read in its log
        Path logDir = Path.of("target", "nbd-conformance-logs").toAbsolutePath();
        Files.createDirectories(logDir);
        Path script = Path.of(System.getProperty("nbd.conformance.script", "../../shared/nbd/nbd-conformance.sh"));
        assumeTrue(Files.isRegularFile(script), "conformance script not found: " + script.toAbsolutePath());
        assumeTrue(onPath("qemu-img") && onPath("nbdinfo"), "qemu-img or nbdinfo not installed");

        ExecutorService deviceThreads = Executors.newFixedThreadPool(4);
        MemoryExportProvider exports = new MemoryExportProvider()
                .add("conformance", "256 MiB in-memory export", new MemoryBlockDevice(SIZE, deviceThreads));
        NbdServerConfig config = NbdServerConfig.builder().port(0).build();
        try (NbdServer server = new NbdServer(config, exports)) {
            int port = server.start();
            ProcessBuilder pb = new ProcessBuilder("bash", script.toAbsolutePath().toString(), "127.0.0.1",
                    Integer.toString(port), "conformance", "256M").redirectErrorStream(true);
            pb.environment().put("LOGDIR", logDir.toString());
            Process process = pb.start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    System.out.println("[nbd-conformance] " + line);
                    lines.add(line);
                }
            }
            boolean exited = process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            if (!exited) {
                process.destroyForcibly();
            }
            assertThat(exited).as("script finished").isTrue();
            assertThat(lines).as("script output").isNotEmpty();
            assertThat(lines.get(lines.size() - 1)).as("summary line").contains(" 0 failed");
            assertThat(process.exitValue()).as("script exit status").isZero();
        } finally {
            deviceThreads.shutdownNow();
        }
    }

    private static boolean onPath(String tool) {
        String path = "/usr/bin:/usr/sbin:/bin:/sbin:" + System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
