package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Facts about processes that are not this JVM's children (daemons started by the scripts). */
public final class Processes {
    private Processes() {
    }

    /**
     * Whether process {@code pid} exists and has not exited. Unlike {@link ProcessHandle#isAlive()} this treats a
     * zombie (exited, not yet reaped) as gone: a daemon started by a script is re-parented when the script ends, and
     * an init that never reaps (as in some containers) would otherwise make it look alive forever.
     */
    public static boolean isRunning(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            // "pid (comm) S ...": the state letter follows the last ')' since comm may contain spaces and parens.
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')');
            return close < 0 || close + 2 >= s.length() || s.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            // With /proc the process vanished meanwhile; without /proc (not Linux) the handle is all there is.
            return !Files.isDirectory(Path.of("/proc")) && handle.get().isAlive();
        }
    }

    /**
     * Waits until {@link #isRunning} turns false, polling; {@link ProcessHandle#onExit()} cannot be used for a
     * process that is not our child, as it never completes for an unreaped zombie.
     *
     * @return whether the process was gone within {@code timeout}
     */
    public static boolean awaitExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !isRunning(pid);
            }
        }
        return true;
    }
}
