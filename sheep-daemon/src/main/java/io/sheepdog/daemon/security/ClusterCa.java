package io.sheepdog.daemon.security;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's certificate authority: its certificate (which every party trusts) and, where present, its private key
 * (which signs). {@code collie cluster keygen} creates one; the directory it is saved in ({@value #CERT_FILE},
 * {@value #KEY_FILE}) is the cluster's secret: whoever holds the key can mint certificates of any role. Keys are
 * ECDSA P-256 (small, fast handshakes, read by GnuTLS, libnbd and the JDK alike).
 */
public final class ClusterCa {
    public static final String CERT_FILE = "ca-cert.pem";
    public static final String KEY_FILE = "ca-key.pem";
    /** How long a new CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ClusterCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.key = key;
    }

    /** A new CA for the cluster named {@code cluster}, valid from {@code now} for {@link #CA_VALIDITY}. */
    public static ClusterCa generate(String cluster, Instant now) {
        KeyPair pair = newKeyPair();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, cluster)
                .addRDN(BCStyle.CN, "sheepdog cluster CA " + cluster).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new ClusterCa(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the CA saved in {@code dir}: {@value #CERT_FILE}, and {@value #KEY_FILE} if present.
     *
     * @throws IOException if the certificate is missing or unreadable, with the path in the message
     */
    public static ClusterCa load(Path dir) throws IOException {
        X509Certificate cert = Pem.readCertificate(dir.resolve(CERT_FILE));
        Path keyFile = dir.resolve(KEY_FILE);
        return new ClusterCa(cert, Files.exists(keyFile) ? Pem.readPrivateKey(keyFile) : null);
    }

    /** Saves the certificate and the key into {@code dir} (created if needed); never replaces a file. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Pem.writeCertificate(dir.resolve(CERT_FILE), certificate);
        if (key != null) {
            Pem.writePrivateKey(dir.resolve(KEY_FILE), key, certificate.getPublicKey());
        }
    }

    /** The same CA without its private key: what a node kept without the CA key gets. */
    public ClusterCa withoutKey() {
        return new ClusterCa(certificate, null);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Whether this CA can sign (its private key was loaded). */
    public boolean canSign() {
        return key != null;
    }

    /** The cluster name in the CA's subject (O). */
    public String cluster() {
        var rdns = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.O);
        return rdns.length == 0 ? "" : Identity.text(rdns[0]);
    }

    /**
     * A new key pair and a certificate for {@code who}, valid from {@code notBefore} to {@code notAfter}, for both
     * TLS server and client use; {@code hosts} become its subject alternative names (IP addresses or DNS names),
     * which clients such as qemu and libnbd check against the address they connected to.
     *
     * @throws IllegalStateException if this CA has no private key
     */
    public Credentials issue(Identity who, List<String> hosts, Instant notBefore, Instant notAfter) {
        if (key == null) {
            throw new IllegalStateException("the CA's private key (" + KEY_FILE + ") is not here: only a holder of "
                    + "the cluster's keys can issue certificates");
        }
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(notBefore),
                    Date.from(notAfter), who.subject(cluster()), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
            Optional<GeneralNames> sans = alternativeNames(hosts);
            if (sans.isPresent()) {
                b.addExtension(Extension.subjectAlternativeName, false, sans.get());
            }
            return new Credentials(pair.getPrivate(), sign(b, key), certificate);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
        }
    }

    private static Optional<GeneralNames> alternativeNames(List<String> hosts) {
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(InetAddresses.isInetAddress(h) ? new GeneralName(GeneralName.iPAddress, h)
                    : new GeneralName(GeneralName.dNSName, h));
        }
        return names.isEmpty() ? Optional.empty() : Optional.of(new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 in this JDK: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** Whether {@code cert} was signed by this CA. */
    public boolean signed(X509Certificate cert) {
        try {
            cert.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
