package io.sheepdog.daemon.testing.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set and thread count of a process, from {@code /proc/PID/status} (Linux): what a leak per connection
 * or per request grows, whichever of heap, direct buffers or threads it leaks.
 *
 * @param rssKib  {@code VmRSS}, KiB
 * @param threads {@code Threads}
 */
public record ProcessStatus(long rssKib, int threads) {

    /** Reads the status of process {@code pid}. */
    public static ProcessStatus of(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        long rss = -1;
        int threads = -1;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status + " (is process " + pid + " gone?)", e);
        }
        if (rss < 0 || threads < 0) {
            throw new IllegalStateException(status + " has no VmRSS or Threads line");
        }
        return new ProcessStatus(rss, threads);
    }

    public long rssMib() {
        return rssKib / 1024;
    }

    @Override
    public String toString() {
        return "RSS " + rssMib() + " MiB, " + threads + " threads";
    }
}
