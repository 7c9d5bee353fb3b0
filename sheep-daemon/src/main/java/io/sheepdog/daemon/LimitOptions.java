package io.sheepdog.daemon;

import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.nbd.limit.ServerLimits;
import io.sheepdog.nbd.server.NbdServerConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The bounds of the two ports as {@code sheep} options (docs/operations.md, "Bounded resources"); the defaults are
 * {@link NbdServerConfig#DEFAULT_LIMITS} and {@link SheepServerConfig#DEFAULT_LIMITS}, whose javadoc says why.
 */
final class LimitOptions {

    private static final ServerLimits NBD = NbdServerConfig.DEFAULT_LIMITS;
    private static final ServerLimits SHEEP = SheepServerConfig.DEFAULT_LIMITS;

    @Option(names = "--nbd-max-connections", paramLabel = "N",
            description = "NBD connections open at once; more are closed at once (default: ${DEFAULT-VALUE}).")
    int nbdMaxConnections = NBD.maxConnections();

    @Option(names = "--nbd-max-in-flight", paramLabel = "MIB",
            description = "MiB of NBD requests and unsent replies of all clients together (default: ${DEFAULT-VALUE}).")
    long nbdMaxInFlight = NBD.maxBytesInFlight() >> 20;

    @Option(names = "--nbd-connection-share", paramLabel = "MIB",
            description = "MiB of that one NBD connection may hold (default: ${DEFAULT-VALUE}).")
    long nbdShare = NBD.maxBytesPerConnection() >> 20;

    @Option(names = "--nbd-handshake-timeout", paramLabel = "SECONDS",
            description = "An NBD client that has not finished its handshake this long is closed (default: "
                    + "${DEFAULT-VALUE}; 0: never).")
    long nbdHandshakeTimeout = NBD.handshakeTimeout().toSeconds();

    @Option(names = "--nbd-idle-timeout", paramLabel = "SECONDS",
            description = {"An NBD connection idle this long is closed (default: ${DEFAULT-VALUE}: never).",
                "Idle VMs keep their disks' connections for hours: set it only if every client reconnects."})
    long nbdIdleTimeout = NBD.idleTimeout().toSeconds();

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Sheep protocol connections open at once (default: ${DEFAULT-VALUE}).")
    int sheepMaxConnections = SHEEP.maxConnections();

    @Option(names = "--max-in-flight", paramLabel = "MIB",
            description = "MiB of sheep protocol frames and unsent responses together (default: ${DEFAULT-VALUE}).")
    long sheepMaxInFlight = SHEEP.maxBytesInFlight() >> 20;

    @Option(names = "--connection-share", paramLabel = "MIB",
            description = "MiB of that one sheep protocol connection may hold (default: ${DEFAULT-VALUE}).")
    long sheepShare = SHEEP.maxBytesPerConnection() >> 20;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "A sheep protocol connection idle this long is closed (default: ${DEFAULT-VALUE}; 0: never).")
    long sheepIdleTimeout = SHEEP.idleTimeout().toSeconds();

    @Option(names = "--stall-timeout", paramLabel = "SECONDS",
            description = {"On both ports: a client that does not read its replies, or does not send the payload",
                "it announced, this long while it holds memory is closed (default: ${DEFAULT-VALUE}; 0: never)."})
    long stallTimeout = NBD.stallTimeout().toSeconds();

    /** The NBD port's bounds. */
    ServerLimits nbd() {
        return new ServerLimits(nbdMaxInFlight << 20, nbdShare << 20, nbdMaxConnections,
                Duration.ofSeconds(nbdHandshakeTimeout), Duration.ofSeconds(nbdIdleTimeout),
                Duration.ofSeconds(stallTimeout), Duration.ofSeconds(stallTimeout));
    }

    /** The sheep port's bounds. */
    ServerLimits sheep() {
        return new ServerLimits(sheepMaxInFlight << 20, sheepShare << 20, sheepMaxConnections, Duration.ZERO,
                Duration.ofSeconds(sheepIdleTimeout), Duration.ofSeconds(stallTimeout),
                Duration.ofSeconds(stallTimeout));
    }
}
