package io.sheepdog.daemon.security;

import io.sheepdog.membership.MembershipConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a daemon protects its channels.
 *
 * @param keys     the {@code --keys} directory ({@link NodeKeys}); empty: no TLS, every client trusted
 * @param insecure {@code --insecure}: the operator accepts running without keys on an address other machines reach
 */
public record SecurityConfig(Optional<Path> keys, boolean insecure) {
    /** No keys: for a sheep on loopback, where only this machine's processes can connect. */
    public static final SecurityConfig NONE = new SecurityConfig(Optional.empty(), false);

    public SecurityConfig {
        Objects.requireNonNull(keys, "keys");
    }

    public static SecurityConfig keys(Path dir) {
        return new SecurityConfig(Optional.of(dir), false);
    }

    public boolean tls() {
        return keys.isPresent();
    }

    /**
     * Refuses what would leave a channel open: a reachable address without keys (unless {@code --insecure}), and
     * multicast discovery with keys (UDP is not covered by TLS).
     */
    public void check(InetAddress bind, MembershipConfig.Discovery discovery) {
        if (keys.isEmpty() && !insecure && !bind.isLoopbackAddress()) {
            throw new IllegalArgumentException("--bind " + bind.getHostAddress() + " is reachable from other "
                    + "machines, and without --keys anyone who reaches it can read, write and delete every VDI: "
                    + "create the cluster's keys with 'collie cluster keygen DIR', copy DIR to every node and start "
                    + "with --keys DIR (docs/operations.md, \"Keys\"), or pass --insecure to accept that");
        }
        if (keys.isPresent() && discovery instanceof MembershipConfig.Multicast) {
            throw new IllegalArgumentException("--multicast traffic cannot be protected by TLS: with --keys, "
                    + "find the other nodes with --join");
        }
    }
}
