package io.sheepdog.daemon.testing.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Options of a {@link SheepProcess}; {@link #start()} launches it. */
public final class SheepProcessBuilder {
    final Path workDir;
    Path storeDir;
    final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx512m", "-XX:+UseSerialGC",
            "-Dio.netty.leakDetection.level=advanced"));
    final List<String> daemonArgs = new ArrayList<>();
    Duration readyTimeout = Duration.ofSeconds(60);
    int port;
    int nbdPort;
    String host = SheepProcess.HOST;
    final List<String> launcher = new ArrayList<>();

    SheepProcessBuilder(Path workDir) {
        this.workDir = workDir.toAbsolutePath();
    }

    /** The store directory; WORK/store by default. */
    public SheepProcessBuilder storeDir(Path value) {
        this.storeDir = value.toAbsolutePath();
        return this;
    }

    /** Fixed ports instead of free ones picked at start. */
    public SheepProcessBuilder ports(int sheepPort, int nbdPortValue) {
        if (sheepPort <= 0 || nbdPortValue <= 0) {
            throw new IllegalArgumentException("ports must be positive");
        }
        this.port = sheepPort;
        this.nbdPort = nbdPortValue;
        return this;
    }

    /** Extra JVM options of the daemon, after the defaults (-Xmx512m, serial GC, Netty leak detection). */
    public SheepProcessBuilder jvmArgs(String... args) {
        jvmArgs.addAll(List.of(args));
        return this;
    }

    /** Extra daemon options, placed before the store directory (for example "--debug"). */
    public SheepProcessBuilder daemonArgs(String... args) {
        daemonArgs.addAll(List.of(args));
        return this;
    }

    /** {@code -z ZONE}: the failure zone of the node. */
    public SheepProcessBuilder zone(int zone) {
        return daemonArgs("--zone", Integer.toString(zone));
    }

    /**
     * {@code --join HOST:PORT,...}: joins the cluster of these sheep ports on {@value SheepProcess#HOST}. Ports of
     * daemons not started yet may be listed (as scripts/start-sheepdog does): a node that finds none forms a cluster.
     */
    public SheepProcessBuilder join(List<Integer> sheepPorts) {
        if (!sheepPorts.isEmpty()) {
            daemonArgs("--join", String.join(",", sheepPorts.stream().map(p -> SheepProcess.HOST + ":" + p).toList()));
        }
        return this;
    }

    /** {@code --read-policy POLICY}: local-first, primary or round-robin. */
    public SheepProcessBuilder readPolicy(String policy) {
        return daemonArgs("--read-policy", policy);
    }

    /**
     * The address the daemon binds ({@code --bind}) and is reached at; {@value SheepProcess#HOST} by default. With
     * another address the daemon usually runs in a network namespace of its own ({@link #launcher}).
     */
    public SheepProcessBuilder host(String address) {
        this.host = address;
        return this;
    }

    /**
     * A command prefix that runs the daemon's JVM, such as {@code ip netns exec NS}: the daemon then lives in that
     * network namespace. It must exec the JVM (not fork it), so the daemon's PID is the process this class starts.
     */
    public SheepProcessBuilder launcher(List<String> prefix) {
        launcher.addAll(prefix);
        return this;
    }

    /** {@code --join HOST:PORT,...} with the given sheep addresses (nodes on other addresses than this one). */
    public SheepProcessBuilder joinAddresses(List<String> hostPorts) {
        if (!hostPorts.isEmpty()) {
            daemonArgs("--join", String.join(",", hostPorts));
        }
        return this;
    }

    public SheepProcessBuilder readyTimeout(Duration value) {
        this.readyTimeout = value;
        return this;
    }

    /** Starts the daemon and waits until it is ready; see {@link SheepProcess#startAgain()}. */
    public SheepProcess start() {
        return new SheepProcess(this).startAgain();
    }
}
