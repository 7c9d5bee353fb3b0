package io.sheepdog.daemon;

import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The effective configuration of one daemon, validated at construction.
 *
 * @param storeDir  where objects and metadata live
 * @param bind      the address both servers listen on (never all interfaces unless asked)
 * @param port      sheep protocol port
 * @param nbdPort   NBD port
 * @param zone      failure zone of this node
 * @param vnodes    virtual nodes on the placement ring
 * @param ioThreads threads doing blocking store I/O
 */
public record SheepConfig(Path storeDir, InetAddress bind, int port, int nbdPort, int zone, int vnodes,
                          int ioThreads) {
    /** Sheepdog's default sheep port. */
    public static final int DEFAULT_PORT = 7000;
    /** The IANA NBD port. */
    public static final int DEFAULT_NBD_PORT = 10809;
    /** Virtual nodes of a node of default weight. */
    public static final int DEFAULT_VNODES = 128;

    public SheepConfig {
        checkPort("--port", port);
        checkPort("--nbd-port", nbdPort);
        if (port != 0 && port == nbdPort) {
            throw new IllegalArgumentException("--port and --nbd-port must differ (both are " + port + ")");
        }
        if (ioThreads < 1 || ioThreads > 1024) {
            throw new IllegalArgumentException("--io-threads must be between 1 and 1024, not " + ioThreads);
        }
        if (vnodes < 0 || vnodes > 65535) {
            throw new IllegalArgumentException("vnodes must be between 0 and 65535, not " + vnodes);
        }
    }

    /** The default number of I/O threads: blocking pread/pwrite wants more threads than cores. */
    public static int defaultIoThreads() {
        return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    }

    /** The zone Sheepdog derives from an address when none is given: its low 32 bits. */
    public static int defaultZone(InetAddress address) {
        byte[] a = address.getAddress();
        int z = 0;
        for (int i = Math.max(0, a.length - 4); i < a.length; i++) {
            z = (z << 8) | (a[i] & 0xff);
        }
        return z;
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " must be between 1 and 65535, not " + port);
        }
    }
}
