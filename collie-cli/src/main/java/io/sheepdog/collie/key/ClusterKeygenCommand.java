package io.sheepdog.collie.key;

import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.OfflineCommand;
import io.sheepdog.daemon.security.ClusterCa;
import io.sheepdog.daemon.security.Identity;
import io.sheepdog.daemon.security.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie cluster keygen DIR}: a new cluster CA and an admin key. DIR is then copied to every node (its
 * {@code sheep --keys}), and the admin key to the machines collie runs on.
 */
@Command(name = "keygen", description = {
    "Creates the keys of a new cluster in DIR (offline): the cluster CA (ca-cert.pem, and ca-key.pem, the secret "
        + "that signs every key) and an admin key for collie in DIR/admin.",
    "Copy DIR to every node and start each sheep with --keys DIR; give collie --key DIR/admin."})
public final class ClusterKeygenCommand extends OfflineCommand {
    static final Duration ADMIN_VALIDITY = Duration.ofDays(365);

    @Parameters(index = "0", paramLabel = "DIR", description = "New or empty directory to create the keys in.")
    private Path dir;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "sheepdog",
            description = "Name of the cluster, written into every certificate (default: ${DEFAULT-VALUE}).")
    private String cluster;

    @Override
    protected int run(CollieIo io) throws IOException, CollieException {
        if (Files.exists(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new CollieException(ExitCodes.EXISTS, dir + " is not empty: keygen writes into a new or "
                            + "empty directory and never replaces a key");
                }
            }
        }
        Instant now = Instant.now();
        ClusterCa ca = ClusterCa.generate(cluster, now);
        ca.save(dir);
        Path admin = dir.resolve("admin");
        ca.issue(Identity.of("admin", Role.ADMIN), List.of(), now.minus(Duration.ofMinutes(5)),
                now.plus(ADMIN_VALIDITY)).saveClient(admin);
        PrintWriter out = io.out();
        out.println("Created the keys of cluster '" + cluster + "' in " + dir + ":");
        out.println("  " + dir.resolve(ClusterCa.CERT_FILE) + "  the cluster CA's certificate");
        out.println("  " + dir.resolve(ClusterCa.KEY_FILE) + "   the CA's private key: it signs every key; keep it "
                + "secret (nodes and this machine only)");
        out.println("  " + admin + "/          an admin key for collie, valid until "
                + now.plus(ADMIN_VALIDITY).toString().substring(0, 10));
        out.println("Next: copy " + dir + " to every node (scp -r), start each sheep with --keys " + dir
                + ", and run collie with --key " + admin + " (or copy it to ~/.sheepdog/key).");
        return ExitCodes.SUCCESS;
    }
}
