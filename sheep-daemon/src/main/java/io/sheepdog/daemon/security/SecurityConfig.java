package io.sheepdog.daemon.security;

import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.nbd.server.NbdTls;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a daemon protects its channels.
 *
 * @param keys     the {@code --keys} directory ({@link NodeKeys}); empty: no TLS, every client trusted
 * @param insecure {@code --insecure}: the operator accepts running without keys on an address other machines reach
 * @param nbdTls   {@code --nbd-tls}; empty for the default: required with keys, off without
 */
public record SecurityConfig(Optional<Path> keys, boolean insecure, Optional<NbdTls.Mode> nbdTls) {
    /** No keys: for a sheep on loopback, where only this machine's processes can connect. */
    public static final SecurityConfig NONE = new SecurityConfig(Optional.empty(), false, Optional.empty());

    public SecurityConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(nbdTls, "nbdTls");
        if (keys.isEmpty() && nbdTls.isPresent() && nbdTls.get() != NbdTls.Mode.OFF) {
            throw new IllegalArgumentException("--nbd-tls " + nbdTls.get().label() + " needs --keys (the "
                    + "certificate NBD clients check)");
        }
    }

    public SecurityConfig(Optional<Path> keys, boolean insecure) {
        this(keys, insecure, Optional.empty());
    }

    public static SecurityConfig keys(Path dir) {
        return new SecurityConfig(Optional.of(dir), false);
    }

    /** The NBD port's TLS mode: as given, else required with keys and off without. */
    public NbdTls.Mode nbdMode() {
        return nbdTls.orElse(keys.isPresent() ? NbdTls.Mode.REQUIRE : NbdTls.Mode.OFF);
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
