package io.sheepdog.daemon.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Runs the shared NBD conformance script ({@code shared/nbd/nbd-conformance.sh}: nbdinfo, libnbd, qemu-img,
 * qemu-io, nbdcopy, fio and nbd-client against one export) and prints its output, and on failure its per-check logs,
 * so a CI failure can be understood from the test output alone. The script's location comes from the system
 * property {@value #SCRIPT_PROPERTY}, set by the failsafe configuration.
 */
public final class ConformanceScript {
    /** The system property naming the script. */
    public static final String SCRIPT_PROPERTY = "nbd.conformance.script";
    private static final int LOG_TAIL_CHARS = 4000;

    private ConformanceScript() {
    }

    /** The script; the calling test is skipped when the script or the client tools it needs are missing. */
    public static Path require() {
        Path script = Path.of(System.getProperty(SCRIPT_PROPERTY, "../../shared/nbd/nbd-conformance.sh"))
                .toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(script), () -> "no conformance script at " + script);
        for (String tool : new String[] {"qemu-img", "qemu-io", "nbdinfo"}) {
            assumeTrue(ExternalCommand.isOnPath(tool), () -> tool + " is not installed");
        }
        return script;
    }

    /** Asserts that a run finished in time with every check passed. */
    public static void assertPassed(CommandResult r) {
        assertThat(r.timedOut()).as(r.describe()).isFalse();
        assertThat(r.lastLine()).as(r.describe()).matches("\\d+ passed, 0 failed\\b.*");
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    /** Runs {@code script HOST PORT EXPORT SIZE} with its check logs in {@code logs}. */
    public static CommandResult run(Path script, String host, int port, String export, String size, Path logs)
            throws IOException {
        return run(script, host, port, export, size, logs, Map.of());
    }

    /** The same with more environment for the script (say STRICT_EXPORT=0). */
    public static CommandResult run(Path script, String host, int port, String export, String size, Path logs,
                                    Map<String, String> env) throws IOException {
        ExternalCommand command = ExternalCommand.of("bash", script.toString(), host, Integer.toString(port), export,
                size).env("LOGDIR", logs.toString()).timeout(Duration.ofMinutes(15));
        env.forEach(command::env);
        CommandResult r = command.run();
        System.out.println(r.output());
        if (!r.succeeded()) {
            printCheckLogs(logs);
        }
        return r;
    }

    private static void printCheckLogs(Path logs) throws IOException {
        if (!Files.isDirectory(logs)) {
            return;
        }
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                System.out.println("==== " + f.getFileName());
                String text = Files.readString(f);
                System.out.println(text.length() > LOG_TAIL_CHARS
                        ? "..." + text.substring(text.length() - LOG_TAIL_CHARS) : text);
            }
        }
    }
}
