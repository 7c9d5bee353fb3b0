package io.sheepdog.daemon.security;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.EnumSet;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The TLS contexts of one party, all from its {@link Credentials}: TLS 1.3 only, the peer's certificate always
 * required and checked against the cluster CA by a {@link RoleTrustManager}.
 */
public final class TlsContexts {
    /** The only protocol offered: no downgrade, and the handshake encrypts the certificates. */
    public static final String PROTOCOL = "TLSv1.3";

    private final Credentials own;

    public TlsContexts(Credentials own) {
        this.own = own;
    }

    public Credentials credentials() {
        return own;
    }

    /** A server's context taking clients of any role (what each may do is checked per request). */
    public SslContext server() {
        return server(EnumSet.allOf(Role.class));
    }

    /** A server's context taking only clients whose certificate names one of {@code clientRoles}. */
    public SslContext server(Set<Role> clientRoles) {
        try {
            return SslContextBuilder.forServer(own.key(), own.certificate())
                    .trustManager(new RoleTrustManager(own.ca(), clientRoles))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols(PROTOCOL)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS server context: " + e.getMessage(), e);
        }
    }

    /** A client's context that talks only to servers presenting a node certificate of the cluster. */
    public SslContext client() {
        try {
            return SslContextBuilder.forClient()
                    .keyManager(own.key(), own.certificate())
                    .trustManager(new RoleTrustManager(own.ca(), Set.of(Role.NODE)))
                    .protocols(PROTOCOL)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context: " + e.getMessage(), e);
        }
    }

    /** A JDK context for channels between nodes only (JGroups membership): both sides present node certificates. */
    public SSLContext nodesOnly() {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("own", own.key(), password, new Certificate[] {own.certificate(), own.ca()});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(keys.getKeyManagers(), new TrustManager[] {new RoleTrustManager(own.ca(),
                    Set.of(Role.NODE))}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS context of the membership: " + e.getMessage(), e);
        }
    }
}
