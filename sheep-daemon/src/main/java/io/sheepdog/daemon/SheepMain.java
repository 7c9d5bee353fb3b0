package io.sheepdog.daemon;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sheep [options] STORE_DIR}: runs one storage daemon in the foreground until SIGTERM or SIGINT.
 * Logging is configured from the options before the first logger exists, so no logger is created at class load.
 */
@Command(name = "sheep", mixinStandardHelpOptions = true, version = "sheep 0.1.0",
        description = {"Runs a sheepdog storage daemon in the foreground, storing objects in STORE_DIR,",
            "serving the sheep protocol (for collie and other sheep) and NBD (the export name is the VDI name).",
            "A single daemon is a one-node cluster: format it with 'collie cluster format'."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly", "1:could not start (the message says why)", "64:bad usage"},
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
            description = "Failure zone of this node (default: derived from the bind address).")
    Integer zone;

    @Option(names = "--io-threads", paramLabel = "N", description = "Threads doing store I/O (default: 4 per core, at least 8).")
    Integer ioThreads;

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
            config = new SheepConfig(storeDir.toAbsolutePath(), address, port, nbdPort,
                    zone != null ? zone : SheepConfig.defaultZone(address), SheepConfig.DEFAULT_VNODES,
                    ioThreads != null ? ioThreads : SheepConfig.defaultIoThreads());
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
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            deletePidFile();
            stopped.countDown();
        }, "sheep-shutdown"));
        writePidFile();
        stopped.await();
        return 0;
    }

    private void configureLogging() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "info");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.log.io.netty", debug ? "debug" : "warn");
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
