package io.sheepdog.collie.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import io.sheepdog.daemon.testing.process.JavaCommand;
import io.sheepdog.daemon.testing.process.SheepProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code io.sheepdog.collie.Collie} in a child JVM with the test class path, pointed at one daemon
 * ({@code collie -a HOST -p PORT ARGS}). stdout and stderr are kept apart so machine output (-r, --json) can be
 * parsed; binary I/O of {@code vdi read/write} goes through {@link #command} with a stdin/stdout file.
 */
public final class CollieRunner {
    public static final String MAIN_CLASS = "io.sheepdog.collie.Collie";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<String> connection;

    private CollieRunner(List<String> connection) {
        this.connection = List.copyOf(connection);
    }

    /** collie talking to {@code sheep}. */
    public static CollieRunner against(SheepProcess sheep) {
        return at(sheep.host(), sheep.port());
    }

    public static CollieRunner at(String host, int port) {
        return new CollieRunner(List.of("-a", host, "-p", Integer.toString(port)));
    }

    /** collie with no connection options (for usage errors). */
    public static CollieRunner bare() {
        return new CollieRunner(List.of());
    }

    /** The command {@code collie [-a HOST -p PORT] ARGS}, to customise (stdin, stdout file) before running. */
    public ExternalCommand command(String... args) {
        List<String> all = new ArrayList<>(connection);
        all.addAll(List.of(args));
        return ExternalCommand.of(JavaCommand.tool(MAIN_CLASS, all.toArray(String[]::new)))
                .separateStderr().timeout(TIMEOUT);
    }

    public CommandResult run(String... args) {
        return command(args).run();
    }

    /** Runs collie and asserts it exited 0; returns the result for checks of its output. */
    public CommandResult ok(String... args) {
        CommandResult r = run(args);
        assertThat(r.exitCode()).as("collie %s\n%s", String.join(" ", args), r.describe()).isZero();
        return r;
    }

    /** Runs collie and asserts its exit code. */
    public CommandResult expectExit(int exitCode, String... args) {
        CommandResult r = run(args);
        assertThat(r.exitCode()).as("exit code of collie %s\n%s", String.join(" ", args), r.describe())
                .isEqualTo(exitCode);
        return r;
    }
}
