package io.sheepdog.nbd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

/**
 * Who is connecting: identifies the client of one connection to the {@link ExportProvider}, which may tie what it
 * grants to it (the daemon ties an export's write lock to the client's host).
 *
 * @param remote the connection's remote address
 */
public record NbdClient(SocketAddress remote) {

    public NbdClient {
        Objects.requireNonNull(remote, "remote");
    }

    /** The client's IP address as text (no name lookup); for a non-IP address, the address's own text. */
    public String host() {
        if (remote instanceof InetSocketAddress inet) {
            // an unresolved address has no InetAddress, only the host string it was made from
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return remote.toString();
    }

    /** {@code host:port} ({@code [host]:port} for IPv6); for a non-IP address, the address's own text. */
    @Override
    public String toString() {
        if (remote instanceof InetSocketAddress inet) {
            String host = host();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return remote.toString();
    }
}
