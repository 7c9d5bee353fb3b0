package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.testing.security.TestKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where node {@code index} of a test cluster listens, the same for an in-process and a process cluster.
 *
 * @param index   the node's number in its cluster, from 0
 * @param host    the numeric address it listens on
 * @param port    its sheep protocol port
 * @param nbdPort its NBD port
 * @param key     the admin key clients use when the cluster runs with keys; empty for plaintext
 */
public record NodeEndpoint(int index, String host, int port, int nbdPort, Optional<Path> key) {
    /** How long a client of a test waits for a connection or an answer. */
    public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    /** A node of a cluster without keys. */
    public NodeEndpoint(int index, String host, int port, int nbdPort) {
        this(index, host, port, nbdPort, Optional.empty());
    }

    /** A new client of this node (the caller closes it). */
    public SheepClient connect() throws SheepException {
        return connect(CLIENT_TIMEOUT);
    }

    /** A new client with a short timeout, for polls that must not hang on a node that does not answer. */
    SheepClient connect(Duration timeout) throws SheepException {
        return SheepClient.connect(host, port, TestKeys.withKey(SheepClientConfig.of(timeout), key));
    }

    /** {@code nbd://HOST:NBDPORT/EXPORT}, the export name URL-encoded. */
    public String nbdUri(String export) {
        return "nbd://" + host + ":" + nbdPort + "/"
                + URLEncoder.encode(export, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** "node I (HOST:PORT)", for messages. */
    @Override
    public String toString() {
        return "node " + index + " (" + host + ":" + port + ")";
    }
}
