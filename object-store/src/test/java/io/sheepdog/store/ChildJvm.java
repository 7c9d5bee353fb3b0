package io.sheepdog.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a test main class on this JVM's class path; its standard output is read line by line for
 * {@link #awaitLine}, its standard error goes to ours. Close it (kills it if still running).
 */
public final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(this::pump, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Waits for an output line matching {@code match} and returns it; fails on timeout or if the child ends. */
    public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError("child printed no matching line within " + timeout + "; output: " + seen);
            }
            if (line.equals(EOF)) {
                throw new AssertionError("child ended (" + exitCode() + ") without a matching line; output: " + seen);
            }
            seen.add(line);
            if (match.test(line)) {
                return line;
            }
        }
    }

    public String awaitLine(String exact, Duration timeout) throws InterruptedException {
        return awaitLine(exact::equals, timeout);
    }

    /** SIGKILL, and wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child " + process.pid() + " survived SIGKILL");
        }
    }

    /** Waits for the child to end by itself and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child did not exit within " + timeout + "; output: " + seen);
        }
        return process.exitValue();
    }

    /** Closes the child's standard input (children wait on it to end politely). */
    public void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private String exitCode() {
        return process.isAlive() ? "still running" : "exit " + process.exitValue();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("(reading the child's output failed: " + e + ")");
        } finally {
            lines.add(EOF);
        }
    }
}
