package io.sheepdog.daemon.testing.process;

import com.google.common.net.InetAddresses;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real sheep daemon in a child JVM ({@code io.sheepdog.daemon.SheepMain}), on free loopback ports, with its store,
 * PID file and log under one work directory:
 *
 * <pre>
 *   WORK/store      the store directory (unless {@link SheepProcessBuilder#storeDir} says otherwise)
 *   WORK/sheep.pid  written by the daemon once it listens on both ports; its presence means "ready"
 *   WORK/sheep.log  the daemon's log (--log-file); the logs of earlier runs are kept as sheep.log.1, .2, ...
 *   WORK/console.log  the child's stdout and stderr (JVM errors before logging starts)
 * </pre>
 *
 * <p>{@link #kill9()}, {@link #stop()} and {@link #restart()} act on the same store and ports, so a test can crash a
 * daemon and bring it back under the same NBD URL. The process never outlives its owner: {@link #close()} stops it,
 * and a JVM shutdown hook kills it if the test JVM ends first.
 *
 * <p>Readiness: the PID file exists, holds the child's PID, and the sheep port accepts a connection — all within
 * the ready timeout, else the start fails with the tail of the log. A start whose port was taken in the meantime by
 * another process is retried on fresh ports (only before the first successful start: later the ports are fixed).
 */
public final class SheepProcess implements AutoCloseable {
    public static final String MAIN_CLASS = "io.sheepdog.daemon.SheepMain";
    public static final String HOST = "127.0.0.1";

    private static final String LOG_NAME = "sheep.log";
    private static final int START_ATTEMPTS = 3;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Path workDir;
    private final Path storeDir;
    private final List<String> jvmArgs;
    private final List<String> daemonArgs;
    private final Duration readyTimeout;
    private final boolean fixedPorts;
    private final String host;
    private final List<String> launcher;
    private int port;
    private int nbdPort;
    private boolean startedOnce;
    /** Logs of earlier runs, moved to sheep.log.1, sheep.log.2, ... before each restart. */
    private int rotatedLogs;
    private Process process;

    SheepProcess(SheepProcessBuilder b) {
        this.workDir = b.workDir;
        this.storeDir = b.storeDir != null ? b.storeDir : b.workDir.resolve("store");
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.daemonArgs = List.copyOf(b.daemonArgs);
        this.readyTimeout = b.readyTimeout;
        this.fixedPorts = b.port != 0;
        this.host = b.host;
        this.launcher = List.copyOf(b.launcher);
        this.port = b.port;
        this.nbdPort = b.nbdPort;
    }

    public static SheepProcessBuilder builder(Path workDir) {
        return new SheepProcessBuilder(workDir);
    }

    /** Starts a daemon with the defaults under {@code workDir} and waits until it is ready. */
    public static SheepProcess start(Path workDir) {
        return builder(workDir).start();
    }

    /**
     * Starts the daemon (again) on the same store and ports and waits until it is ready.
     *
     * @throws IllegalStateException if it is running, or does not become ready (the message holds the log tail)
     */
    public synchronized SheepProcess startAgain() {
        if (isAlive()) {
            throw new IllegalStateException("sheep pid " + process.pid() + " is still running");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            if (!fixedPorts && !startedOnce) {
                int[] ports = FreePorts.pickSheep();
                port = ports[0];
                nbdPort = ports[1];
            }
            try {
                launchAndAwaitReady();
                startedOnce = true;
                return this;
            } catch (PortTakenException e) {
                last = e;
                if (fixedPorts || startedOnce) {
                    break;
                }
            }
        }
        throw last;
    }

    private void launchAndAwaitReady() {
        try {
            Files.createDirectories(workDir);
            // A PID file left by a killed daemon would make a fresh start look ready at once.
            Files.deleteIfExists(pidFile());
            // The daemon truncates its log file: keep the previous run's log (the one before a crash) aside.
            if (Files.exists(logFile())) {
                Files.move(logFile(), workDir.resolve(LOG_NAME + "." + ++rotatedLogs));
            }
            // Restarts append to one console file; a marker tells the runs apart.
            Files.writeString(consoleFile(), "==== " + Instant.now() + " starting " + String.join(" ", command())
                    + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + workDir, e);
        }
        ProcessBuilder pb = new ProcessBuilder(command()).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleFile().toFile()))
                .redirectInput(new File("/dev/null"));
        try {
            process = ProcessReaper.track(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command(), e);
        }
        awaitReady(System.nanoTime() + readyTimeout.toNanos());
    }

    private void awaitReady(long deadlineNanos) {
        String expectedPid = Long.toString(process.pid());
        String seenPid = "";
        while (true) {
            if (!process.isAlive()) {
                int status = process.exitValue();
                ProcessReaper.release(process);
                String log = log();
                String msg = "sheep exited with status " + status + " during start-up";
                if (log.contains("Address already in use") || log.contains("BindException")) {
                    throw new PortTakenException(msg + " (port " + port + " or " + nbdPort + " taken)\n" + logTail());
                }
                throw new IllegalStateException(msg + "; command " + command() + "\n" + logTail());
            }
            seenPid = readPidFile();
            if (seenPid.equals(expectedPid) && accepts(host, port)) {
                return;
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                ProcessReaper.killTree(process);
                throw new IllegalStateException("sheep pid " + expectedPid + " not ready after " + readyTimeout
                        + (seenPid.isEmpty() ? " (no PID file " + pidFile() + ")" : " (PID file holds '" + seenPid
                        + "', port " + port + " accepts: " + accepts(host, port) + ")") + "\n" + logTail());
            }
            pause();
        }
    }

    /** Kills the daemon with SIGKILL (no shutdown hooks, nothing flushed) and waits until it is gone. */
    public synchronized void kill9() {
        if (process != null) {
            ProcessReaper.killTree(process);
        }
    }

    /**
     * Stops the daemon with SIGTERM and waits for it to exit.
     *
     * @return its exit status
     * @throws IllegalStateException if it did not exit within 30 s (it is then killed)
     */
    public synchronized int stop() {
        if (process == null) {
            return 0;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessReaper.killTree(process);
                throw new IllegalStateException("sheep pid " + process.pid() + " ignored SIGTERM for " + STOP_TIMEOUT
                        + "; killed it\n" + logTail());
            }
        } catch (InterruptedException e) {
            ProcessReaper.killTree(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping sheep", e);
        }
        ProcessReaper.release(process);
        return process.exitValue();
    }

    /** Stops the daemon if it runs ({@link #stop()}), then starts it again on the same store and ports. */
    public synchronized SheepProcess restart() {
        if (isAlive()) {
            stop();
        }
        return startAgain();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The PID of the current (or last) daemon process. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("never started");
        }
        return process.pid();
    }

    /** Exit status of the last process, once it has exited. */
    public synchronized int exitValue() {
        return process.exitValue();
    }

    /** The address the daemon binds and is reached at ({@value #HOST} unless the builder said otherwise). */
    public String host() {
        return host;
    }

    public synchronized int port() {
        return port;
    }

    public synchronized int nbdPort() {
        return nbdPort;
    }

    /** {@code nbd://127.0.0.1:NBDPORT/EXPORT}, the export name URL-encoded. */
    public String nbdUri(String export) {
        return "nbd://" + host + ":" + nbdPort() + "/" + URLEncoder.encode(export, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    public Path storeDir() {
        return storeDir;
    }

    public Path workDir() {
        return workDir;
    }

    public Path pidFile() {
        return workDir.resolve("sheep.pid");
    }

    public Path logFile() {
        return workDir.resolve(LOG_NAME);
    }

    public Path consoleFile() {
        return workDir.resolve("console.log");
    }

    /** The last 40 lines of the daemon's log and of its console output. */
    public String logTail() {
        return logTail(40);
    }

    public String logTail(int lines) {
        return "---- " + logFile() + " (last " + lines + " lines)\n" + LogFiles.tail(logFile(), lines)
                + "---- " + consoleFile() + " (last " + lines + " lines)\n" + LogFiles.tail(consoleFile(), lines);
    }

    /** The logs of every run so far and the console output, for assertions such as "no Netty LEAK report". */
    public String log() {
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= rotatedLogs; i++) {
            all.append(LogFiles.read(workDir.resolve(LOG_NAME + "." + i)));
        }
        return all.append(LogFiles.read(logFile())).append(LogFiles.read(consoleFile())).toString();
    }

    /** The command line of the daemon process. */
    public synchronized List<String> command() {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--nbd-port",
                Integer.toString(nbdPort), "--bind", host, "--pidfile", pidFile().toString(), "--log-file",
                logFile().toString()));
        args.addAll(daemonArgs);
        if (!InetAddresses.forString(host).isLoopbackAddress() && !daemonArgs.contains("--keys")) {
            // A test network (netns) address without keys: the daemon refuses that unless told it is meant.
            args.add("--insecure");
        }
        args.add(storeDir.toString());
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(JavaCommand.of(jvmArgs, MAIN_CLASS, args));
        return cmd;
    }

    /** Stops the daemon (SIGTERM, then SIGKILL after 30 s); never leaves the process running. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                stop();
            }
        } finally {
            ProcessReaper.killTree(process);
        }
    }

    @Override
    public String toString() {
        return "sheep[" + host + " port " + port + ", nbd " + nbdPort + ", store " + storeDir + "]";
    }

    private String readPidFile() {
        try {
            return Files.exists(pidFile()) ? Files.readString(pidFile(), StandardCharsets.US_ASCII).strip() : "";
        } catch (IOException e) {
            return ""; // being written or removed right now: look again on the next poll
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sheep", e);
        }
    }

    /** A start failed because a port was taken: worth retrying on other ports. */
    private static final class PortTakenException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
