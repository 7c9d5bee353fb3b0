package io.sheepdog.daemon.testing.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an outside program (qemu-io, nbdinfo, a python3-libnbd snippet, a script) to completion with a timeout and
 * captures what it printed. Output goes to temporary files rather than pipes, so a chatty program can never block on
 * a full pipe; stdin is {@code /dev/null} unless given, so nothing waits for a terminal (CI has none). A program
 * still running at the timeout is killed with its descendants and reported as {@link CommandResult#timedOut()}.
 *
 * <pre>{@code
 * CommandResult r = ExternalCommand.of("qemu-io", "-f", "raw", "-c", "read -P 0xab 0 1M", uri).run();
 * assertThat(r.exitCode()).as(r.describe()).isZero();
 * }</pre>
 */
public final class ExternalCommand {
    /** The python3 that has the libnbd module ({@code import nbd}); a python3 earlier on PATH may lack it. */
    public static final String SYSTEM_PYTHON = "/usr/bin/python3";

    private final List<String> command;
    private final Map<String, String> env = new HashMap<>();
    private Duration timeout = Duration.ofMinutes(2);
    private Path directory;
    private String stdin;
    private Path stdinFile;
    private Path stdoutFile;
    private boolean mergeStderr = true;

    private ExternalCommand(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = List.copyOf(command);
    }

    public static ExternalCommand of(String... command) {
        return new ExternalCommand(Arrays.asList(command));
    }

    public static ExternalCommand of(List<String> command) {
        return new ExternalCommand(command);
    }

    /**
     * {@code /usr/bin/python3 -c SCRIPT ARGS...}: a snippet run by the system python, which has python3-libnbd;
     * the script sees {@code ARGS} as {@code sys.argv[1:]}.
     */
    public static ExternalCommand python(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(SYSTEM_PYTHON, "-c", script));
        cmd.addAll(Arrays.asList(args));
        return new ExternalCommand(cmd);
    }

    /** How long the program may run before it is killed; 2 minutes unless set. */
    public ExternalCommand timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    public ExternalCommand directory(Path value) {
        this.directory = value;
        return this;
    }

    /** Sets an environment variable on top of this JVM's environment. */
    public ExternalCommand env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Feeds {@code text} (UTF-8) to the program's stdin instead of {@code /dev/null}. */
    public ExternalCommand stdin(String text) {
        this.stdin = text;
        return this;
    }

    /** Feeds the bytes of {@code file} to the program's stdin (binary data, for example). */
    public ExternalCommand stdin(Path file) {
        this.stdinFile = file;
        return this;
    }

    /**
     * Sends stdout to {@code file} (binary output, for example) instead of capturing it; stderr is then captured
     * on its own and {@link CommandResult#stdout()} is empty.
     */
    public ExternalCommand stdoutTo(Path file) {
        this.stdoutFile = file;
        this.mergeStderr = false;
        return this;
    }

    /** Keeps stderr apart from stdout (for output that is parsed, such as JSON); by default they are merged. */
    public ExternalCommand separateStderr() {
        this.mergeStderr = false;
        return this;
    }

    /**
     * Runs the program and waits for it, at most the timeout.
     *
     * @throws UncheckedIOException if the program cannot be started (for example it is not installed)
     */
    public CommandResult run() {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = stdoutFile != null ? null : Files.createTempFile("cmd-out", ".txt");
            err = mergeStderr ? null : Files.createTempFile("cmd-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(out != null ? out.toFile() : stdoutFile.toFile());
            if (err == null) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            if (stdinFile != null) {
                pb.redirectInput(stdinFile.toFile());
            } else if (stdin != null) {
                in = Files.writeString(Files.createTempFile("cmd-in", ".txt"), stdin);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(new File("/dev/null"));
            }
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            pb.environment().putAll(env);
            return await(pb, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    private CommandResult await(ProcessBuilder pb, Path out, Path err) throws IOException {
        long start = System.nanoTime();
        Process p = ProcessReaper.track(pb.start());
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                ProcessReaper.killTree(p);
            }
        } catch (InterruptedException e) {
            ProcessReaper.killTree(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            ProcessReaper.release(p);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String stdout = out == null ? "" : new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        String stderr = err == null ? "" : new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
        return new CommandResult(command, p.exitValue(), stdout, stderr, timedOut, elapsed);
    }

    /** The absolute path of {@code program} on this JVM's PATH, if it is there and executable. */
    public static Optional<Path> findOnPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static boolean isOnPath(String program) {
        return findOnPath(program).isPresent();
    }

    /** Whether the system python can {@code import nbd} (package python3-libnbd). */
    public static boolean hasPythonLibnbd() {
        if (!Files.isExecutable(Path.of(SYSTEM_PYTHON))) {
            return false;
        }
        return python("import nbd").timeout(Duration.ofSeconds(30)).run().succeeded();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // A temp file left behind is harmless; the result matters more than the cleanup.
            }
        }
    }
}
