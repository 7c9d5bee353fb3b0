package io.sheepdog.collie.key;

import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.OfflineCommand;
import io.sheepdog.daemon.security.ClusterCa;
import io.sheepdog.daemon.security.Credentials;
import io.sheepdog.daemon.security.Identity;
import io.sheepdog.daemon.security.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code collie key create NAME --ca DIR --role ROLE --out DIR}: a key signed by the cluster CA. */
@Command(name = "create", description = {
    "Creates a key signed by the cluster's CA (offline), in the layout collie --key, qemu's tls-creds-x509 "
        + "(dir=OUT,endpoint=client) and libnbd's tls-certificates=OUT read: ca-cert.pem, client-cert.pem, "
        + "client-key.pem.",
    "Roles: admin (everything), user (read, write, create; no format, shutdown, delete, rollback or lock break), "
        + "read-only, vdi:NAME[,NAME...] (opens only those VDIs over NBD), node (a sheep's own certificate, written as "
        + "node-cert.pem and node-key.pem for a node kept without the CA key)."})
public final class KeyCreateCommand extends OfflineCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Who the key is for (a host, a person).")
    private String name;

    @Option(names = "--ca", paramLabel = "DIR", required = true,
            description = "The cluster's keys directory, with ca-cert.pem and ca-key.pem.")
    private Path ca;

    @Option(names = "--role", paramLabel = "ROLE", required = true,
            description = "admin, user, read-only, vdi:NAME[,NAME...] or node.")
    private String role;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Directory to write the key into (new, or for a node key its keys directory).")
    private Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365",
            description = "Days the key is valid (default: ${DEFAULT-VALUE}).")
    private int days;

    @Option(names = "--host", paramLabel = "HOST", split = ",",
            description = "Address or name the certificate is for (subject alternative names); for node keys.")
    private List<String> hosts = new ArrayList<>();

    @Override
    protected int run(CollieIo io) throws IOException, CollieException {
        if (days < 1 || days > 36500) {
            throw new CollieException(ExitCodes.USAGE, "--days must be between 1 and 36500, not " + days);
        }
        Identity who;
        try {
            who = Identity.parse(name, role);
        } catch (IllegalArgumentException e) {
            throw new CollieException(ExitCodes.USAGE, e.getMessage());
        }
        ClusterCa authority = ClusterCa.load(ca);
        if (!authority.canSign()) {
            throw new CollieException(ExitCodes.FAILURE, ca + " has no " + ClusterCa.KEY_FILE
                    + ": keys are made where the CA key is");
        }
        Instant now = Instant.now();
        Credentials key = authority.issue(who, hosts, now.minus(Duration.ofMinutes(5)),
                now.plus(Duration.ofDays(days)));
        if (who.role() == Role.NODE) {
            if (!Files.exists(out.resolve(ClusterCa.CERT_FILE))) {
                authority.withoutKey().save(out);
            }
            key.saveNode(out);
        } else {
            key.saveClient(out);
        }
        io.out().println("Created a key for " + who.describe() + " in " + out + ", valid until "
                + now.plus(Duration.ofDays(days)).toString().substring(0, 10));
        return ExitCodes.SUCCESS;
    }
}
