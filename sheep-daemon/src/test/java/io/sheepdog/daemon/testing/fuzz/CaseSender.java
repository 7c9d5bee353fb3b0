package io.sheepdog.daemon.testing.fuzz;

import java.io.IOException;
import java.time.Duration;

/**
 * Sends each case over a fresh loopback connection: the preamble first (for NBD, a valid handshake whose GO must be
 * acknowledged before the hostile bytes follow), then the case's bytes while a drainer discards the answers, then
 * either a half-close (waiting a moment for the server to close) or a short linger mid-message and a close.
 */
public final class CaseSender implements FuzzLoop.Sender {
    /** A server that takes no bytes for this long has stopped reading from the connection. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a half-closed connection may take the server to close. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** How long a connection is left open in the middle of what it sent before the client closes it. */
    private static final Duration LINGER = Duration.ofMillis(10);

    private final String host;
    private final int port;
    private final boolean nbdSession;
    private final HostileConnection.Drain drain;

    private CaseSender(String host, int port, boolean nbdSession, HostileConnection.Drain drain) {
        this.host = host;
        this.port = port;
        this.nbdSession = nbdSession;
        this.drain = drain;
    }

    /** Sends the bytes at once (the server's greeting, if any, is discarded with the rest of its answers). */
    public static CaseSender raw(String host, int port) {
        return new CaseSender(host, port, false, HostileConnection.Drain.DISCARD);
    }

    /** Sends the bytes at once; the server's answers go to {@code drain}. */
    public static CaseSender raw(String host, int port, HostileConnection.Drain drain) {
        return new CaseSender(host, port, false, drain);
    }

    /** Sends the preamble as an NBD handshake and waits for GO's acknowledgement first. */
    public static CaseSender afterNbdHandshake(String host, int port) {
        return new CaseSender(host, port, true, HostileConnection.Drain.DISCARD);
    }

    @Override
    public HostileConnection.Outcome send(FuzzCase c) throws IOException {
        HostileConnection conn = HostileConnection.open(host, port, WRITE_TIMEOUT);
        try {
            if (nbdSession) {
                conn.write(c.preamble());
                NbdOptions.awaitGo(conn.in());
            } else if (c.preamble().length > 0) {
                conn.write(c.preamble());
            }
        } catch (IOException e) {
            conn.close();
            throw e;
        }
        conn.startDraining(drain);
        conn.send(c.bytes(), WRITE_TIMEOUT);
        return conn.finish(c.halfClose(), c.halfClose() ? CLOSE_WAIT : LINGER);
    }
}
