package io.sheepdog.daemon.testing.security;

import io.netty.handler.ssl.SslContext;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.security.ClusterCa;
import io.sheepdog.daemon.security.Credentials;
import io.sheepdog.daemon.security.Identity;
import io.sheepdog.daemon.security.Role;
import io.sheepdog.daemon.security.TlsContexts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The keys of a test cluster, laid out as {@code collie cluster keygen} lays them out: {@code dir} is what every
 * node gets as {@code --keys}, {@code dir/admin} an admin client key.
 *
 * @param dir   the cluster's keys directory (CA certificate and key)
 * @param admin the admin key directory
 */
public record TestKeys(Path dir, Path admin) {

    /** A new CA for the cluster {@code cluster} and an admin key, under {@code dir}. */
    public static TestKeys create(Path dir, String cluster) {
        try {
            ClusterCa ca = ClusterCa.generate(cluster, Instant.now());
            ca.save(dir);
            TestKeys keys = new TestKeys(dir, dir.resolve("admin"));
            keys.issue("admin", Role.ADMIN.label(), Instant.now().minusSeconds(60), Duration.ofDays(1))
                    .saveClient(keys.admin);
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client key named {@code name} with {@code role} ("read-only", "vdi:alice"), valid for a day, saved. */
    public Path client(String name, String role) {
        Path key = dir.resolve("client-" + name);
        try {
            issue(name, role, Instant.now().minusSeconds(60), Duration.ofDays(1)).saveClient(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return key;
    }

    /** Credentials valid from {@code from} for {@code validity}, not saved (an expired key: a past window). */
    public Credentials issue(String name, String role, Instant from, Duration validity) {
        try {
            return ClusterCa.load(dir).issue(Identity.parse(name, role), List.of("127.0.0.1"), from,
                    from.plus(validity));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The TLS client context of the key in {@code keyDir}. */
    public static SslContext clientContext(Path keyDir) {
        try {
            return new TlsContexts(Credentials.loadClient(keyDir, Instant.now())).client();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code base} over TLS with the key in {@code keyDir}. */
    public static SheepClientConfig withKey(SheepClientConfig base, Optional<Path> keyDir) {
        return base.withTls(keyDir.map(TestKeys::clientContext));
    }
}
