package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.Collie;
import io.sheepdog.collie.CollieHarness;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.JavaCommand;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs collie against one daemon ({@code collie -a HOST -p PORT ARGS}) either {@linkplain Mode#PROCESS as its own
 * JVM}, exactly as a user does (the real {@code main}, {@code System.exit} and file descriptors), or
 * {@linkplain Mode#IN_PROCESS in this JVM} through {@link Collie#run}, which is the same code path minus the JVM
 * start and so several times faster. stdout and stderr are kept apart so machine output (-r, --json) can be parsed;
 * {@code vdi write}/{@code vdi read} data moves through files.
 */
public final class CollieRunner {
    /** Where collie runs. */
    public enum Mode {
        PROCESS,
        IN_PROCESS
    }

    public static final String MAIN_CLASS = "io.sheepdog.collie.Collie";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<String> connection;
    private final Mode mode;
    private final List<String> launcher;

    private CollieRunner(List<String> connection, Mode mode) {
        this(connection, mode, List.of());
    }

    private CollieRunner(List<String> connection, Mode mode, List<String> launcher) {
        this.connection = List.copyOf(connection);
        this.mode = mode;
        this.launcher = List.copyOf(launcher);
    }

    /**
     * The same collie run as a process through {@code prefix}, such as {@code ip netns exec NS} to run it in a
     * network namespace.
     */
    public CollieRunner launchedBy(List<String> prefix) {
        return new CollieRunner(connection, Mode.PROCESS, prefix);
    }

    /** collie talking to {@code sheep}. */
    public static CollieRunner against(SheepProcess sheep, Mode mode) {
        return at(sheep.host(), sheep.port(), mode);
    }

    public static CollieRunner at(String host, int port, Mode mode) {
        return new CollieRunner(List.of("-a", host, "-p", Integer.toString(port)), mode);
    }

    /** collie with no connection options (for usage errors). */
    public static CollieRunner bare(Mode mode) {
        return new CollieRunner(List.of(), mode);
    }

    /** The same daemon, collie run the other way. */
    public CollieRunner in(Mode other) {
        return new CollieRunner(connection, other, launcher);
    }

    public CommandResult run(String... args) {
        return execute(null, null, args);
    }

    /** Runs collie with the bytes of {@code stdin} on its stdin ({@code vdi write}). */
    public CommandResult runWithInput(Path stdin, String... args) {
        return execute(stdin, null, args);
    }

    /** Runs collie with its stdout going to {@code stdout} ({@code vdi read}); the result's stdout is empty. */
    public CommandResult runWithOutput(Path stdout, String... args) {
        return execute(null, stdout, args);
    }

    /** Runs collie and asserts it exited 0; returns the result for checks of its output. */
    public CommandResult ok(String... args) {
        return expectExit(0, args);
    }

    /** Runs collie and asserts its exit code. */
    public CommandResult expectExit(int exitCode, String... args) {
        CommandResult r = run(args);
        assertThat(r.exitCode()).as("exit code of %s", r.describe()).isEqualTo(exitCode);
        return r;
    }

    private CommandResult execute(Path stdin, Path stdout, String... args) {
        List<String> all = new ArrayList<>(connection);
        all.addAll(List.of(args));
        String[] argv = all.toArray(String[]::new);
        if (mode == Mode.PROCESS) {
            List<String> command = new ArrayList<>(launcher);
            command.addAll(JavaCommand.tool(MAIN_CLASS, argv));
            ExternalCommand cmd = ExternalCommand.of(command).separateStderr().timeout(TIMEOUT);
            if (stdin != null) {
                cmd.stdin(stdin);
            }
            if (stdout != null) {
                cmd.stdoutTo(stdout);
            }
            return cmd.run();
        }
        return inProcess(stdin, stdout, argv);
    }

    /** Through {@link CollieHarness#runBare}, the module's in-process runner; stdout is written to the file after. */
    private static CommandResult inProcess(Path stdin, Path stdout, String[] argv) {
        List<String> shown = new ArrayList<>(List.of("collie(in-process)"));
        shown.addAll(List.of(argv));
        long start = System.nanoTime();
        try (InputStream in = stdin != null ? Files.newInputStream(stdin) : new ByteArrayInputStream(new byte[0])) {
            CollieHarness.Result r = CollieHarness.runBare(in, argv);
            String out = r.stdout();
            if (stdout != null) {
                Files.write(stdout, r.stdoutBytes());
                out = "";
            }
            return new CommandResult(shown, r.exitCode(), out, r.stderr(), false,
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException("collie " + String.join(" ", argv), e);
        }
    }
}
