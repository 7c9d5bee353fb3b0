package io.sheepdog.daemon.security;

import io.sheepdog.nbd.limit.RateLimitedLog;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.LoggerFactory;

/**
 * Trusts a peer's certificate chain when the JDK's PKIX check against the cluster CA alone passes (signature,
 * validity, CA constraints) and the certificate names one of the {@code allowed} roles: a node connecting to a peer
 * or joining the membership accepts only node certificates, so an admin's or a hypervisor's key cannot pose as a
 * node. Host names are not checked: every node certificate of the cluster is trusted alike. Every refusal is logged
 * (rate-limited) with whose certificate and why, so a node of another cluster or a stale key shows in the log of
 * both sides, not only as a failed connection.
 */
final class RoleTrustManager extends X509ExtendedTrustManager {
    private static final RateLimitedLog REFUSALS = new RateLimitedLog(LoggerFactory.getLogger(RoleTrustManager.class));
    private final X509ExtendedTrustManager pkix;
    private final Set<Role> allowed;

    RoleTrustManager(X509Certificate ca, Set<Role> allowed) {
        this.pkix = pkixTrusting(ca);
        this.allowed = EnumSet.copyOf(allowed);
    }

    private static X509ExtendedTrustManager pkixTrusting(X509Certificate ca) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("cluster-ca", ca);
            TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(store);
            for (var tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
        }
    }

    private void checkRole(X509Certificate[] chain) throws CertificateException {
        Identity who;
        try {
            who = Identity.of(chain[0]);
        } catch (IllegalArgumentException e) {
            throw refused(chain, new CertificateException(e.getMessage()));
        }
        if (!allowed.contains(who.role())) {
            throw refused(chain, new CertificateException(who.describe() + " may not use this channel (it takes "
                    + allowed.stream().map(Role::label).collect(Collectors.joining(", ")) + ")"));
        }
    }

    private static CertificateException refused(X509Certificate[] chain, CertificateException why) {
        String subject = chain.length == 0 ? "(no certificate)" : chain[0].getSubjectX500Principal().getName();
        REFUSALS.warn("refused the TLS certificate of {}: {}{}", subject, why.getMessage(),
                why.getMessage() != null && why.getMessage().contains("PKIX")
                        ? " (not signed by this cluster's CA: a node or key of another cluster?)" : "");
        return why;
    }

    /** One of the JDK's checks, run before the role is. */
    @FunctionalInterface
    private interface PkixCheck {
        void run() throws CertificateException;
    }

    private void verify(X509Certificate[] chain, PkixCheck pkixCheck) throws CertificateException {
        try {
            pkixCheck.run();
        } catch (CertificateException e) {
            throw refused(chain, e);
        }
        checkRole(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, () -> pkix.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, () -> pkix.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain, () -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain, () -> pkix.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
