package io.sheepdog.daemon;

import io.sheepdog.daemon.gateway.ReadPolicy;
import io.sheepdog.daemon.security.SecurityConfig;
import io.sheepdog.membership.FailureDetection;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.NodeWeights;
import io.sheepdog.nbd.server.NbdTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * {@code sheep [options] STORE_DIR}: runs one storage daemon in the foreground until SIGTERM or SIGINT, or until
 * the cluster is shut down ({@code collie cluster shutdown}; the daemon stops itself and the process exits 0).
 * Logging is configured from the options before the first logger exists, so no logger is created at class load.
 */
@Command(name = "sheep", mixinStandardHelpOptions = true, version = "sheep 0.1.0",
        description = {"Runs a sheepdog storage daemon in the foreground, storing objects in STORE_DIR,",
            "serving the sheep protocol (for collie and other sheep) and NBD (the export name is the VDI name).",
            "Without --join or --multicast it forms a cluster of its own that other sheep can join;",
            "format a new cluster once with 'collie cluster format'."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly by 'collie cluster shutdown'",
            "1:could not start (the message says why)", "64:bad usage",
            "143:stopped cleanly by SIGTERM (130 by SIGINT)"},
        sortOptions = false)
public final class SheepMain implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STORE_DIR", description = "Directory of the local store (created if missing).")
    Path storeDir;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Sheep protocol port (default: ${DEFAULT-VALUE}).")
    int port = SheepConfig.DEFAULT_PORT;

    @Option(names = "--nbd-port", paramLabel = "PORT", description = "NBD port (default: ${DEFAULT-VALUE}).")
    int nbdPort = SheepConfig.DEFAULT_NBD_PORT;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}); 0.0.0.0 listens on all interfaces.")
    String bind = "127.0.0.1";

    @Option(names = {"-z", "--zone"}, paramLabel = "ZONE",
            description = "Failure zone of this node: no two copies of an object share a zone "
                    + "(default: derived from the bind address).")
    Integer zone;

    @Option(names = {"-j", "--join"}, paramLabel = "HOST:PORT[,HOST:PORT...]", split = ",",
            description = {"Join the cluster of these sheep (their sheep protocol addresses) over TCP.",
                "Without --join or --multicast the node forms a cluster of its own that others can join."})
    List<String> join = new ArrayList<>();

    @Option(names = "--multicast", paramLabel = "ADDR:PORT",
            description = "Find the other nodes by UDP multicast on one LAN instead of --join.")
    String multicast;

    @Option(names = {"-g", "--gateway"}, description = "Gateway only: store no objects (weight 0), only route requests.")
    boolean gateway;

    @Option(names = {"-v", "--vnodes"}, paramLabel = "N",
            description = "Weight of this node on the ring (default: one per 8 GiB of store capacity).")
    Integer vnodes;

    @Option(names = "--read-policy", paramLabel = "POLICY", defaultValue = "local-first",
            description = "Which replica serves reads: local-first, primary or round-robin (default: ${DEFAULT-VALUE}).")
    String readPolicy;

    @Option(names = "--fd-heartbeat", paramLabel = "MS", description = "Failure-detector heartbeat interval in ms (default: 1000).")
    long fdHeartbeat = FailureDetection.DEFAULTS.heartbeatInterval().toMillis();

    @Option(names = "--fd-timeout", paramLabel = "MS",
            description = "A node silent this long is suspected, in ms (default: 3000); a killed process is noticed at once.")
    long fdTimeout = FailureDetection.DEFAULTS.timeout().toMillis();

    @Option(names = "--fd-verify", paramLabel = "MS", description = "How long a suspicion is verified before the node is removed, in ms (default: 1000).")
    long fdVerify = FailureDetection.DEFAULTS.verifyTimeout().toMillis();

    @Option(names = "--io-threads", paramLabel = "N", description = "Threads doing store I/O (default: 4 per core, at least 8).")
    Integer ioThreads;

    @Option(names = "--keys", paramLabel = "DIR",
            description = {"The cluster's keys ('collie cluster keygen DIR', copied to every node): every channel is "
                    + "then TLS 1.3 with certificates of the cluster's CA on both sides, and each client may do what "
                    + "its key's role allows.", "Required unless --bind is a loopback address or --insecure is given."})
    Path keys;

    @Option(names = "--nbd-tls", paramLabel = "MODE",
            description = {"NBD over TLS (NBD_OPT_STARTTLS, with the node's certificate; clients present a key of the "
                    + "cluster): require, allow (plaintext clients too, with every right) or off.",
                "Default: require with --keys, off without."})
    String nbdTls;

    @Option(names = "--insecure",
            description = "Run without --keys on an address other machines reach: anyone who reaches the ports may "
                    + "do anything.")
    boolean insecure;
    @Mixin
    LimitOptions limits = new LimitOptions();

    @Option(names = {"-d", "--debug"}, description = "Log at debug level.")
    boolean debug;

    @Option(names = "--pidfile", paramLabel = "FILE",
            description = "Write the process id to FILE once both ports listen; removed on clean shutdown.")
    Path pidFile;

    @Option(names = {"-l", "--log-file"}, paramLabel = "FILE", description = "Log to FILE instead of stderr.")
    Path logFile;

    public static void main(String[] args) {
        CommandLine cmd = new CommandLine(new SheepMain());
        cmd.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("sheep: " + ex.getMessage());
            err.println("Try 'sheep --help' for more information.");
            return 64;
        });
        System.exit(cmd.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        configureLogging();
        SheepConfig config;
        try {
            InetAddress address = InetAddress.getByName(bind);
            if (multicast != null && !join.isEmpty()) {
                throw new IllegalArgumentException("--join and --multicast exclude each other");
            }
            config = new SheepConfig(storeDir.toAbsolutePath(), address, port, nbdPort,
                    zone != null ? zone : NodeWeights.defaultZone(address),
                    gateway ? OptionalInt.of(0) : vnodes != null ? OptionalInt.of(vnodes) : OptionalInt.empty(),
                    ioThreads != null ? ioThreads : SheepConfig.defaultIoThreads(), discovery(address),
                    new FailureDetection(Duration.ofMillis(fdHeartbeat), Duration.ofMillis(fdTimeout),
                            Duration.ofMillis(fdVerify)),
                    ReadPolicy.parse(readPolicy), SheepTimings.DEFAULTS,
                    new SecurityConfig(Optional.ofNullable(keys).map(Path::toAbsolutePath), insecure,
                            Optional.ofNullable(nbdTls).map(NbdTls.Mode::parse)),
                    limits.nbd(), limits.sheep());
        } catch (UnknownHostException | IllegalArgumentException e) {
            System.err.println("sheep: " + e.getMessage());
            return 64;
        }
        SheepDaemon daemon;
        try {
            daemon = SheepDaemon.start(config);
        } catch (IOException | RuntimeException e) {
            // An unusable store or a port in use is an operator's matter: the message says it; the trace is for -d.
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SheepMain.class);
            log.error("cannot start: {}", e.getMessage());
            log.debug("cannot start", e);
            System.err.println("sheep: cannot start: " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            deletePidFile();
        }, "sheep-shutdown"));
        writePidFile();
        // Stopped by SIGTERM/SIGINT (the hook above) or by the cluster's shutdown (the daemon closes itself).
        daemon.stopped().join();
        deletePidFile();
        return 0;
    }

    /** --join names sheep ports; membership listens {@link MembershipConfig#PORT_OFFSET} above each. */
    private MembershipConfig.Discovery discovery(InetAddress address) {
        if (multicast != null) {
            return MembershipConfig.Multicast.parse(multicast);
        }
        List<String> hosts = new ArrayList<>();
        for (String h : join) {
            InetSocketAddress a = MembershipConfig.TcpJoin.parse(h).initialHosts().get(0);
            hosts.add(a.getAddress().getHostAddress() + ":" + (a.getPort() + MembershipConfig.PORT_OFFSET));
        }
        // Always list this node too, so that the first node of a cluster finds itself and forms the group.
        hosts.add(address.getHostAddress() + ":" + (port + MembershipConfig.PORT_OFFSET));
        return MembershipConfig.TcpJoin.parse(String.join(",", hosts));
    }

    private void configureLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "info");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", debug ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.org.jgroups", debug ? "debug" : "warn");
        if (logFile != null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toAbsolutePath().toString());
        }
    }

    private void writePidFile() throws IOException {
        if (pidFile != null) {
            Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".tmp");
            Files.writeString(tmp, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            // Rename so that a reader never sees a half-written file: its existence means "ready".
            Files.move(tmp, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void deletePidFile() {
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                System.err.println("sheep: cannot remove " + pidFile + ": " + e.getMessage());
            }
        }
    }
}
