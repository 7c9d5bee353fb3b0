package io.sheepdog.daemon.it.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.NodeEndpoint;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.daemon.testing.fuzz.DaemonHealth;
import io.sheepdog.daemon.testing.fuzz.KnownData;
import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The daemon a fuzzer attacks: one node of a {@link ProcessCluster} with a fixed, pre-touched 256 MiB heap (so its
 * resident set cannot grow by heap expansion, see {@link DaemonHealth}), the known VDI holding {@link KnownData}, and
 * the scratch VDIs the cases may do anything to. A JUnit extension, registered as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final HostileDaemon DAEMON = new HostileDaemon("scratch-a", "scratch-b");
 * }</pre>
 */
final class HostileDaemon implements BeforeAllCallback, AfterTestExecutionCallback, AfterAllCallback {
    static final String KNOWN = "hostile-known";
    static final long SCRATCH_SIZE = 64L << 20;
    /** How long a normal client may take to be served after a batch. */
    static final Duration SERVE_DEADLINE = Duration.ofSeconds(20);
    /**
     * Resident set growth allowed over the baseline (taken after the first batch). The heap cannot grow (fixed and
     * pre-touched); what does grow legitimately under hostile load, measured with -XX:NativeMemoryTracking=summary
     * after 7000 NBD transmission cases: the JVM's own non-heap memory (direct buffers 56 MiB, code 22 MiB,
     * metaspace 27 MiB) and, outside the JVM's accounting, RocksDB (two 64 MiB memtables and a 32 MiB block cache
     * by default) and the malloc arenas of the store and event loop threads, which keep what they freed. A 14000-case
     * run rose 298 MiB above its first-batch baseline, 41 MiB of it in the second half. The margin takes that and
     * some: a leak of 8 KiB a case would cross it in such a run; smaller and buffer leaks are the Netty leak detector's
     * (the daemon's log is checked for its reports).
     */
    static final long RSS_MARGIN_MIB = 384;
    /** Threads allowed over the baseline: pools that start threads lazily (workers, reclaim, recovery). */
    static final int THREAD_MARGIN = 24;

    private final String[] scratchNames;
    private boolean readScratchWhole;
    private Path work;
    private boolean failed;
    private ProcessCluster cluster;
    private VdiInfo known;
    private final List<VdiInfo> scratch = new ArrayList<>();
    private DaemonHealth health;

    /** A daemon with these scratch VDIs, started before the class's tests and stopped after them. */
    HostileDaemon(String... scratchNames) {
        this.scratchNames = scratchNames.clone();
    }

    /**
     * Makes every health check also read each scratch VDI whole ({@link DaemonHealth#alsoReadWhole}): for cases that
     * write, trim and zero them, a check that they still read without error.
     */
    HostileDaemon readingScratchWhole() {
        readScratchWhole = true;
        return this;
    }

    /** Starts the daemon, writes the known data and creates the scratch VDIs; skips without qemu-io. */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException, SheepException {
        assumeTrue(ExternalCommand.isOnPath("qemu-io"), "qemu-io (qemu-utils) is not installed");
        work = Files.createTempDirectory("hostile-");
        // -Dfuzz.daemonJvmArgs adds JVM options of the daemon (for example -XX:NativeMemoryTracking=summary).
        List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"));
        String extra = System.getProperty("fuzz.daemonJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        cluster = ProcessCluster.builder(work).nodes(1).copies(1).jvmArgs(jvm.toArray(String[]::new)).start();
        known = cluster.client(0).create(KNOWN, KnownData.SIZE, 0);
        CommandResult w = KnownData.write(cluster.endpoint(0).nbdUri(KNOWN));
        assertThat(w.succeeded() && !w.output().contains("failed")).as(w.describe()).isTrue();
        for (String name : scratchNames) {
            scratch.add(cluster.client(0).create(name, SCRATCH_SIZE, 0));
        }
        health = new DaemonHealth(cluster, 0, KNOWN, SERVE_DEADLINE, RSS_MARGIN_MIB, THREAD_MARGIN);
        if (readScratchWhole) {
            scratch.forEach(v -> health.alsoReadWhole(v.name()));
        }
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        failed |= context.getExecutionException().isPresent();
    }

    /**
     * Stops the daemon; removes its work directory unless a test failed (its store and logs are what a failure is
     * investigated with, so the directory is kept and named).
     */
    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        if (work == null) {
            return;
        }
        if (failed) {
            System.out.println("kept the hostile daemon's work directory " + work);
            return;
        }
        try (Stream<Path> all = Files.walk(work)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    NodeEndpoint endpoint() {
        return cluster.endpoint(0);
    }

    VdiInfo known() {
        return known;
    }

    List<VdiInfo> scratch() {
        return scratch;
    }

    DaemonHealth health() {
        return health;
    }

    /** The newest epoch of the cluster, which peer requests carry to be served. */
    long epoch() throws SheepException {
        return cluster.client(0).info().epochs().get(0).epoch();
    }
}
