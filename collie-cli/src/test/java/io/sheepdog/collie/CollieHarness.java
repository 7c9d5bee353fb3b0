package io.sheepdog.collie;

import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.testing.FakeSheep;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs collie in-process against a {@link FakeSheep} served by a real {@link SheepServer} on a free loopback port,
 * capturing stdout and stderr. The fake's clock is fixed at {@link #NOW} and times print in UTC, so table output is
 * exact. The fake has two members, 10.0.0.1:7000 (the one answering) and 10.0.0.2:7000.
 */
public final class CollieHarness implements AutoCloseable {

    public static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    public final FakeSheep sheep = new FakeSheep(Clock.fixed(NOW, ZoneOffset.UTC)).setNodes(List.of(
            FakeSheep.node("10.0.0.1", 7000, 0, true), FakeSheep.node("10.0.0.2", 7000, 1, false)));
    private final SheepServer server;
    public final int port;

    public CollieHarness() {
        server = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), sheep, sheep);
        try {
            port = server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The outcome of one collie run.
     *
     * @param exitCode    what collie returned
     * @param stdoutBytes everything written to stdout
     * @param stderr      everything written to stderr
     */
    public record Result(int exitCode, byte[] stdoutBytes, String stderr) {
        public String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr;
        }
    }

    /** {@code collie -p PORT ARGS} with empty stdin. */
    public Result run(String... args) {
        return runWithStdin(new ByteArrayInputStream(new byte[0]), args);
    }

    /** {@code collie -p PORT ARGS} reading {@code stdin}. */
    public Result runWithStdin(InputStream stdin, String... args) {
        return runWithStdin(stdin, false, args);
    }

    /** {@code collie -p PORT ARGS} reading {@code stdin}, its stderr a terminal or not (progress bars). */
    public Result runWithStdin(InputStream stdin, boolean terminal, String... args) {
        List<String> all = new ArrayList<>(List.of("-p", Integer.toString(port)));
        all.addAll(List.of(args));
        return runBare(stdin, terminal, all.toArray(String[]::new));
    }

    /** collie with exactly {@code args} (no connection options added). */
    public static Result runBare(InputStream stdin, String... args) {
        return runBare(stdin, false, args);
    }

    private static Result runBare(InputStream stdin, boolean terminal, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Collie.run(CollieIo.of(stdin, out, err, ZoneOffset.UTC).withTerminal(terminal), args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.close();
    }
}
