package io.sheepdog.daemon;

import io.sheepdog.daemon.gateway.ReadPolicy;
import io.sheepdog.daemon.security.SecurityConfig;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.membership.FailureDetection;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.nbd.limit.ServerLimits;
import io.sheepdog.nbd.server.NbdServerConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The effective configuration of one daemon, validated at construction.
 *
 * @param storeDir         where objects, metadata and the metadata log live
 * @param bind             the address every server listens on (never all interfaces unless asked)
 * @param port             sheep protocol port; the membership (JGroups) port is this plus
 *                         {@link MembershipConfig#PORT_OFFSET}
 * @param nbdPort          NBD port
 * @param zone             failure zone of this node
 * @param vnodes           virtual nodes on the placement ring; empty for the default from the store's capacity
 * @param ioThreads        threads doing blocking store I/O
 * @param discovery        how to find the other nodes
 * @param failureDetection heartbeat and timeouts of the failure detector
 * @param readPolicy       which replica serves reads
 * @param timings          every timeout, wait and period ({@link SheepTimings#DEFAULTS} unless a test shortens them)
 * @param security         keys and TLS ({@link SecurityConfig#NONE}: none, loopback only)
 * @param nbdLimits        bytes in flight, connections and timeouts of the NBD port
 * @param sheepLimits      the same of the sheep protocol port
 */
public record SheepConfig(Path storeDir, InetAddress bind, int port, int nbdPort, int zone, OptionalInt vnodes,
                          int ioThreads, MembershipConfig.Discovery discovery, FailureDetection failureDetection,
                          ReadPolicy readPolicy, SheepTimings timings, SecurityConfig security,
                          ServerLimits nbdLimits, ServerLimits sheepLimits) {
    /** Sheepdog's default sheep port. */
    public static final int DEFAULT_PORT = 7000;
    /** The IANA NBD port. */
    public static final int DEFAULT_NBD_PORT = 10809;

    public SheepConfig {
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(failureDetection, "failureDetection");
        Objects.requireNonNull(readPolicy, "readPolicy");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(security, "security");
        security.check(bind, discovery);
        Objects.requireNonNull(nbdLimits, "nbdLimits");
        Objects.requireNonNull(sheepLimits, "sheepLimits");
        checkPort("--port", port);
        checkPort("--nbd-port", nbdPort);
        if (port + MembershipConfig.PORT_OFFSET + MembershipConfig.FD_PORT_OFFSET > 65535) {
            throw new IllegalArgumentException("--port must be at most "
                    + (65535 - MembershipConfig.PORT_OFFSET - MembershipConfig.FD_PORT_OFFSET)
                    + ": the membership ports are " + MembershipConfig.PORT_OFFSET + " and "
                    + (MembershipConfig.PORT_OFFSET + MembershipConfig.FD_PORT_OFFSET) + " above it");
        }
        if (port == nbdPort) {
            throw new IllegalArgumentException("--port and --nbd-port must differ (both are " + port + ")");
        }
        if (ioThreads < 1 || ioThreads > 1024) {
            throw new IllegalArgumentException("--io-threads must be between 1 and 1024, not " + ioThreads);
        }
        if (vnodes.isPresent() && (vnodes.getAsInt() < 0 || vnodes.getAsInt() > 65535)) {
            throw new IllegalArgumentException("--vnodes must be between 0 and 65535, not " + vnodes.getAsInt());
        }
    }

    /** Without keys ({@link SecurityConfig#NONE}), with the default bounds of both ports. */
    public SheepConfig(Path storeDir, InetAddress bind, int port, int nbdPort, int zone, OptionalInt vnodes,
                       int ioThreads, MembershipConfig.Discovery discovery, FailureDetection failureDetection,
                       ReadPolicy readPolicy, SheepTimings timings) {
        this(storeDir, bind, port, nbdPort, zone, vnodes, ioThreads, discovery, failureDetection, readPolicy, timings,
                SecurityConfig.NONE, NbdServerConfig.DEFAULT_LIMITS, SheepServerConfig.DEFAULT_LIMITS);
    }

    /** The default number of I/O threads: blocking pread/pwrite wants more threads than cores. */
    public static int defaultIoThreads() {
        return Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
    }

    private static void checkPort(String option, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + " must be between 1 and 65535, not " + port);
        }
    }
}
