package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * Runs the shared NBD conformance script ({@code shared/nbd/nbd-conformance.sh}) against one export and prints its
 * output, and on failure its per-check logs, so a CI failure can be understood from the test output alone. The
 * caller asserts on the result.
 */
public final class ConformanceScript {
    private static final int LOG_TAIL_CHARS = 4000;

    private ConformanceScript() {
    }

    /** Runs {@code script HOST PORT EXPORT SIZE} with its check logs in {@code logs}. */
    public static CommandResult run(Path script, String host, int port, String export, String size, Path logs)
            throws IOException {
        CommandResult r = ExternalCommand.of("bash", script.toString(), host, Integer.toString(port), export, size)
                .env("LOGDIR", logs.toString()).timeout(Duration.ofMinutes(15)).run();
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
