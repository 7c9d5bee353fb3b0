package io.sheepdog.nbd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is connecting: identifies the client of one connection to the {@link ExportProvider}, which may tie what it
 * grants to it (the daemon ties an export's write lock to the client's host).
 *
 * @param remote      the connection's remote address
 * @param certificate the client's TLS certificate, once NBD_OPT_STARTTLS negotiated TLS with one; empty on a
 *                    plaintext connection
 */
public record NbdClient(SocketAddress remote, Optional<X509Certificate> certificate) {

    public NbdClient {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** A client on a plaintext connection. */
    public NbdClient(SocketAddress remote) {
        this(remote, Optional.empty());
    }

    /** The same client after a TLS handshake in which it presented {@code cert}. */
    public NbdClient withCertificate(X509Certificate cert) {
        return new NbdClient(remote, Optional.of(cert));
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
