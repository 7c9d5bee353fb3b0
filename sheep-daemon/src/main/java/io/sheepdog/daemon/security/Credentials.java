package io.sheepdog.daemon.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * What one party presents on a TLS channel: its private key, its certificate, and the cluster CA's certificate it
 * trusts. Saved as a directory in the layout qemu's {@code tls-creds-x509} and libnbd's {@code tls-certificates}
 * read for a client ({@value #CA_FILE}, {@value #CLIENT_CERT}, {@value #CLIENT_KEY}), so one key serves collie, qemu,
 * qemu-img, nbdinfo and nbdcopy; a node's own pair is {@value #NODE_CERT} and {@value #NODE_KEY}.
 */
public record Credentials(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
    public static final String CA_FILE = ClusterCa.CERT_FILE;
    public static final String CLIENT_CERT = "client-cert.pem";
    public static final String CLIENT_KEY = "client-key.pem";
    public static final String NODE_CERT = "node-cert.pem";
    public static final String NODE_KEY = "node-key.pem";

    public Credentials {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(ca, "ca");
    }

    /** Who the certificate names. */
    public Identity identity() {
        return Identity.of(certificate);
    }

    /** Saves a client key into the new directory {@code dir} (the parent must exist; files are never replaced). */
    public void saveClient(Path dir) throws IOException {
        Files.createDirectories(dir);
        Pem.writeCertificate(dir.resolve(CA_FILE), ca);
        Pem.writeCertificate(dir.resolve(CLIENT_CERT), certificate);
        Pem.writePrivateKey(dir.resolve(CLIENT_KEY), key, certificate.getPublicKey());
    }

    /** Saves a node's own certificate and key into {@code dir}, beside the CA's files. */
    public void saveNode(Path dir) throws IOException {
        Pem.writeCertificate(dir.resolve(NODE_CERT), certificate);
        Pem.writePrivateKey(dir.resolve(NODE_KEY), key, certificate.getPublicKey());
    }

    /**
     * Loads the client key saved in {@code dir}, checking that it is valid at {@code now} and signed by the CA
     * beside it, so a stale or mixed-up key fails here with its reason rather than as a TLS alert.
     */
    public static Credentials loadClient(Path dir, Instant now) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no key at " + dir + " (a key is a directory with " + CA_FILE + ", " + CLIENT_CERT
                    + " and " + CLIENT_KEY + ", made by 'collie key create')");
        }
        return checked(dir, new Credentials(Pem.readPrivateKey(dir.resolve(CLIENT_KEY)),
                Pem.readCertificate(dir.resolve(CLIENT_CERT)), Pem.readCertificate(dir.resolve(CA_FILE))), now);
    }

    /** Loads a node's own pair from {@code dir} and checks it like {@link #loadClient}. */
    static Credentials loadNode(Path dir, X509Certificate ca, Instant now) throws IOException {
        return checked(dir, new Credentials(Pem.readPrivateKey(dir.resolve(NODE_KEY)),
                Pem.readCertificate(dir.resolve(NODE_CERT)), ca), now);
    }

    private static Credentials checked(Path dir, Credentials c, Instant now) throws IOException {
        try {
            c.certificate.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new IOException("the key in " + dir + " expired on " + c.certificate.getNotAfter().toInstant()
                    + ": create a new one with 'collie key create'");
        } catch (CertificateNotYetValidException e) {
            throw new IOException("the key in " + dir + " is not valid before "
                    + c.certificate.getNotBefore().toInstant() + " (is this machine's clock right?)");
        }
        try {
            c.certificate.verify(c.ca.getPublicKey());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("the certificate in " + dir + " is not signed by the CA beside it");
        }
        try {
            c.identity();
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": " + e.getMessage());
        }
        return c;
    }
}
