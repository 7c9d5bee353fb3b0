package io.sheepdog.daemon.testing.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last line of defence against leaked processes: every child a harness class starts is registered here until it has
 * exited, and one JVM shutdown hook kills whatever is still registered (with its descendants), so even a test JVM
 * that dies mid-test or is interrupted leaves no daemon behind. Normal cleanup is still the owner's {@code close()}.
 */
final class ProcessReaper {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::killAll, "process-reaper"));
    }

    private ProcessReaper() {
    }

    /** Tracks {@code process} until {@link #release} or JVM exit. */
    static Process track(Process process) {
        LIVE.add(process);
        return process;
    }

    static void release(Process process) {
        LIVE.remove(process);
    }

    /** Kills {@code process} and every descendant with SIGKILL and waits for the process itself to be gone. */
    static void killTree(Process process) {
        // Descendants first: once the parent is gone they would be re-parented and no longer found from it.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release(process);
    }

    private static void killAll() {
        for (Process p : LIVE) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
