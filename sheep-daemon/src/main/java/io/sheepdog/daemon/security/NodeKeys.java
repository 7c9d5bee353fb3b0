package io.sheepdog.daemon.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A node's credentials from its {@code --keys} directory: the cluster CA's certificate ({@value ClusterCa#CERT_FILE})
 * and either the node's own pair ({@value Credentials#NODE_CERT}, {@value Credentials#NODE_KEY}, for operators who
 * keep the CA key off the nodes) or the CA key ({@value ClusterCa#KEY_FILE}), from which the node mints a fresh node
 * certificate for its bind address at every start, so adding a node is copying one directory.
 */
public final class NodeKeys {
    /** Validity of a certificate a node mints for itself; it mints a new one at every start. */
    public static final Duration MINTED_VALIDITY = Duration.ofDays(365);

    private NodeKeys() {
    }

    /**
     * @param dir  the keys directory
     * @param host the node's bind address (the subject alternative name NBD clients check)
     * @param port the node's sheep port (with the host, the certificate's name)
     */
    public static TlsContexts load(Path dir, String host, int port, Instant now) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("--keys " + dir + " is not a directory (create the cluster's keys with "
                    + "'collie cluster keygen DIR' and copy DIR to every node)");
        }
        ClusterCa ca = ClusterCa.load(dir);
        Credentials own;
        if (Files.exists(dir.resolve(Credentials.NODE_CERT))) {
            own = Credentials.loadNode(dir, ca.certificate(), now);
            if (own.identity().role() != Role.NODE) {
                throw new IOException(dir.resolve(Credentials.NODE_CERT) + " is not a node certificate ("
                        + own.identity().describe() + ")");
            }
        } else if (ca.canSign()) {
            own = ca.issue(Identity.of("node " + host + ":" + port, Role.NODE), List.of(host),
                    now.minus(Duration.ofMinutes(5)), now.plus(MINTED_VALIDITY));
        } else {
            throw new IOException(dir + " has neither " + Credentials.NODE_CERT + " and " + Credentials.NODE_KEY
                    + " nor the CA key " + ClusterCa.KEY_FILE + ": copy the cluster's keys directory here");
        }
        return new TlsContexts(own);
    }
}
