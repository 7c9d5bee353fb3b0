package io.sheepdog.daemon.testing.fuzz;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a fuzzer checks after every batch: the daemon still runs, still serves a normal client within a deadline (a
 * sheep protocol VDI list naming the known VDI, and a qemu-io read of the known VDI through NBD whose patterns still
 * match, {@link KnownData}), and its resident set and thread count stay within a margin of their baseline.
 *
 * <p>The baseline is taken after the first batch ({@link #takeBaseline}), so that what a daemon allocates once for
 * hostile traffic of any kind (buffer pool chunks, JIT-compiled code, event loop threads) is in it. The daemon should
 * run with a fixed, pre-touched heap (-Xms = -Xmx, -XX:+AlwaysPreTouch) so that the resident set cannot grow by heap
 * expansion: growth past the margin is then native or direct memory that was not given back.
 */
public final class DaemonHealth {
    private final ProcessCluster cluster;
    private final int node;
    private final String knownVdi;
    private final Duration deadline;
    private final long rssMarginKib;
    private final int threadMargin;
    private final List<String> readable = new ArrayList<>();
    private ProcessStatus baseline;
    private ProcessStatus peak;

    /**
     * @param knownVdi     the VDI holding {@link KnownData}, which no case may reach
     * @param deadline     how long a normal client may take to be served
     * @param rssMarginMib how far the resident set may rise above the baseline
     * @param threadMargin how many threads may be added to the baseline
     */
    public DaemonHealth(ProcessCluster cluster, int node, String knownVdi, Duration deadline, long rssMarginMib,
                        int threadMargin) {
        this.cluster = cluster;
        this.node = node;
        this.knownVdi = knownVdi;
        this.deadline = deadline;
        // -Dfuzz.rssMarginMiB overrides the margin, for a run that measures the growth rather than bounds it
        this.rssMarginKib = Long.getLong("fuzz.rssMarginMiB", rssMarginMib) * 1024;
        this.threadMargin = threadMargin;
    }

    /**
     * Checks the daemon now.
     *
     * @return its process status
     * @throws AssertionError naming what failed, with the tail of the daemon's log
     */
    public ProcessStatus check() {
        if (!cluster.isRunning(node)) {
            throw failure("the daemon exited with status " + cluster.sheep(node).exitValue());
        }
        NodeEndpoint e = cluster.endpoint(node);
        Poll.until("a VDI list from " + e + " naming " + knownVdi, deadline, why -> {
            try (SheepClient c = SheepClient.connect(e.host(), e.port(), deadline)) {
                List<String> names = c.list().stream().map(VdiInfo::name).toList();
                why.append("the list is ").append(names);
                return names.contains(knownVdi) ? Optional.of(true) : Optional.empty();
            }
        });
        String uri = e.nbdUri(knownVdi + "/ro");
        Poll.until("qemu-io reading the known data through " + uri, deadline, why -> {
            CommandResult r = KnownData.verify(uri, deadline);
            if (r.output().contains("Pattern verification failed")) {
                throw failure("the known data changed: " + r.describe());
            }
            why.append(r.describe());
            return KnownData.matched(r) ? Optional.of(true) : Optional.empty();
        });
        for (String vdi : readable) {
            CommandResult r = ExternalCommand.of("qemu-io", "-f", "raw", "-r", "-c", "read 0 " + size(vdi),
                    e.nbdUri(vdi + "/ro")).timeout(deadline).run();
            if (!r.succeeded() || r.output().contains("failed")) {
                throw failure("scratch VDI " + vdi + " no longer reads whole: " + r.describe());
            }
        }
        ProcessStatus now = ProcessStatus.of(cluster.sheep(node).pid());
        peak = peak == null ? now : new ProcessStatus(Math.max(peak.rssKib(), now.rssKib()),
                Math.max(peak.threads(), now.threads()));
        if (baseline != null && now.rssKib() > baseline.rssKib() + rssMarginKib) {
            throw failure("the daemon's resident set grew from " + baseline.rssMib() + " to " + now.rssMib()
                    + " MiB, more than the margin of " + rssMarginKib / 1024 + " MiB");
        }
        if (baseline != null && now.threads() > baseline.threads() + threadMargin) {
            throw failure("the daemon's threads grew from " + baseline.threads() + " to " + now.threads()
                    + ", more than the margin of " + threadMargin);
        }
        return now;
    }

    /**
     * Makes every check also read all of {@code vdi} (a scratch VDI): whatever the cases wrote, trimmed or zeroed,
     * a VDI of a healthy node reads without error.
     */
    public void alsoReadWhole(String vdi) {
        readable.add(vdi);
    }

    private long size(String vdi) {
        try (SheepClient c = cluster.endpoint(node).connect()) {
            return c.lookup(vdi).size();
        } catch (SheepException ex) {
            throw failure("cannot look up scratch VDI " + vdi + ": " + ex.getMessage());
        }
    }

    /** Bounds later checks by {@code status} plus the margins. */
    public void takeBaseline(ProcessStatus status) {
        this.baseline = status;
    }

    /** The baseline, once taken. */
    public Optional<ProcessStatus> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** The highest resident set and thread count seen by any check. */
    public Optional<ProcessStatus> peak() {
        return Optional.ofNullable(peak);
    }

    /**
     * The end-of-run check of the daemon's log: no Netty leak report (the daemon runs with leak detection) and no
     * {@code OutOfMemoryError}.
     */
    public void checkLog() {
        String log = cluster.sheep(node).log();
        for (String bad : List.of("LEAK:", "OutOfMemoryError")) {
            if (log.contains(bad)) {
                int at = log.indexOf(bad);
                throw failure("the daemon's log reports " + bad + "\n" + log.substring(Math.max(0, at - 2000),
                        Math.min(log.length(), at + 2000)));
            }
        }
    }

    /**
     * How many WARN and ERROR lines the daemon logged, and the first few distinct ERROR lines (their text after the
     * logger name, numbers masked), for the run's report: hostile input is refused with warnings; an ERROR is worth
     * a look even when every check passed.
     */
    public String logSummary() {
        int warn = 0;
        java.util.Set<String> errors = new java.util.LinkedHashSet<>();
        int errorLines = 0;
        for (String line : cluster.sheep(node).log().split("\n")) {
            if (line.contains(" WARN ")) {
                warn++;
            } else if (line.contains(" ERROR ")) {
                errorLines++;
                String text = line.substring(line.indexOf(" ERROR ") + 7).replaceAll("[0-9a-f]{6,}|\\d+", "N");
                if (errors.size() < 5) {
                    errors.add(text.length() > 200 ? text.substring(0, 200) : text);
                }
            }
        }
        return warn + " WARN and " + errorLines + " ERROR lines in the daemon's log" + (errors.isEmpty() ? ""
                : "; ERRORs such as:\n  " + String.join("\n  ", errors));
    }

    private AssertionError failure(String what) {
        return new AssertionError(what + "\n" + cluster.sheep(node).logTail());
    }
}
