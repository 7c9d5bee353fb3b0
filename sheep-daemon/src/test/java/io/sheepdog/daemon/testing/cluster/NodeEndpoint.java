package io.sheepdog.daemon.testing.cluster;

import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Where node {@code index} of a test cluster listens, the same for an in-process and a process cluster.
 *
 * @param index   the node's number in its cluster, from 0
 * @param host    the numeric address it listens on
 * @param port    its sheep protocol port
 * @param nbdPort its NBD port
 */
public record NodeEndpoint(int index, String host, int port, int nbdPort) {
    /** How long a client of a test waits for a connection or an answer. */
    public static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    /** A new client of this node (the caller closes it). */
    public SheepClient connect() throws SheepException {
        return SheepClient.connect(host, port, CLIENT_TIMEOUT);
    }

    /** A new client with a short timeout, for polls that must not hang on a node that does not answer. */
    SheepClient connect(Duration timeout) throws SheepException {
        return SheepClient.connect(host, port, timeout);
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
