package io.sheepdog.daemon.testing.process;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code qemu-system-x86_64} process without a guest OS, driven through QMP: enough to attach a disk, write to
 * it with the monitor's {@code qemu-io} (through the same block layer a guest's writes take) and live-migrate the
 * machine. KVM where {@code /dev/kvm} exists (falling back to TCG if it does not initialise), TCG otherwise; a
 * machine that only sits in its firmware costs little either way. Output goes to {@code NAME.log} in the work
 * directory; {@link #close()} quits it and kills it if it does not go.
 */
public final class QemuVm implements AutoCloseable {
    public static final String PROGRAM = "qemu-system-x86_64";
    private static final Duration START = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path log;
    private final Qmp qmp;

    private QemuVm(String name, Process process, Path log, Qmp qmp) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.qmp = qmp;
    }

    /**
     * Starts a machine with 64 MiB of memory, no display and no default devices, plus {@code extraArgs} (drives,
     * devices, {@code -incoming}), and connects its QMP socket.
     *
     * @throws IllegalStateException if qemu exits or its QMP socket does not answer within 30 s (with its output)
     */
    public static QemuVm start(Path workDir, String name, List<String> extraArgs) {
        Path socket = workDir.resolve(name + ".qmp");
        Path log = workDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(PROGRAM, "-machine", "pc", "-m", "64", "-nodefaults",
                "-display", "none", "-serial", "none", "-monitor", "none",
                "-qmp", "unix:" + socket + ",server=on,wait=off"));
        if (Files.exists(Path.of("/dev/kvm"))) {
            cmd.addAll(List.of("-accel", "kvm", "-accel", "tcg"));
        } else {
            cmd.addAll(List.of("-accel", "tcg"));
        }
        cmd.addAll(extraArgs);
        Process p;
        try {
            Files.deleteIfExists(socket);
            p = ProcessReaper.track(new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + PROGRAM, e);
        }
        long deadline = System.nanoTime() + START.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                ProcessReaper.release(p);
                throw new IllegalStateException(name + " exited with " + p.exitValue() + ": " + output(log));
            }
            if (Files.exists(socket)) {
                try {
                    return new QemuVm(name, p, log, Qmp.connect(socket));
                } catch (IOException e) {
                    last = e;
                }
            }
            try {
                p.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ProcessReaper.killTree(p);
        throw new IllegalStateException(name + ": no QMP answer within " + START + " (" + last + "): " + output(log));
    }

    /**
     * Starts qemu expecting it to fail (a disk it may not attach): what it printed if it exited, empty if it
     * started after all (it is then quit again).
     */
    public static Optional<String> startRefused(Path workDir, String name, List<String> extraArgs) {
        try (QemuVm vm = start(workDir, name, extraArgs)) {
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The QMP client of this machine. */
    public Qmp qmp() {
        return qmp;
    }

    /**
     * Writes {@code length} bytes of the byte {@code pattern} at {@code offset} of the drive {@code drive} with the
     * monitor's qemu-io (its report lands in the log: "wrote ..." or "write failed: ...").
     */
    public void write(String drive, int pattern, long offset, int length) throws IOException {
        qmp.hmp("qemu-io " + drive + " \"write -P " + pattern + " " + offset + " " + length + "\"");
    }

    /** The run state ("running", "inmigrate", "postmigrate", "paused", ...). */
    public String status() throws IOException {
        return qmp.execute("query-status", Map.of()).path("status").asText();
    }

    /** The migration's status ("active", "completed", "failed", ...), or "none" before one started. */
    public String migrationStatus() throws IOException {
        JsonNode m = qmp.execute("query-migrate", Map.of());
        return m.path("status").asText("none");
    }

    /** Everything qemu printed so far. */
    public String output() {
        return output(log);
    }

    private static String output(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** Quits qemu through QMP and kills it if it is still there 10 s later. */
    @Override
    public void close() {
        try {
            qmp.execute("quit", Map.of());
        } catch (IOException e) {
            // gone already, or the monitor is stuck: killed below
        }
        try {
            qmp.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                ProcessReaper.killTree(process);
            }
        } catch (IOException e) {
            ProcessReaper.killTree(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessReaper.killTree(process);
        }
        ProcessReaper.release(process);
    }
}
