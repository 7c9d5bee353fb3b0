package io.sheepdog.daemon.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM files of certificates and private keys, in the formats qemu (GnuTLS), libnbd and OpenSSL read: certificates as
 * "CERTIFICATE", keys as PKCS#8 "PRIVATE KEY" holding the curve and the public key too (GnuTLS refuses an EC key
 * without them, and the JDK's own encoding leaves the public key out). Key files are created owner-only (0600).
 */
final class Pem {
    private Pem() {
    }

    static X509Certificate readCertificate(Path file) throws IOException {
        Object o = readObject(file);
        if (!(o instanceof X509CertificateHolder holder)) {
            throw new IOException(file + " holds no certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        Object o = readObject(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (o instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
            return converter.getKeyPair(pair).getPrivate();
        }
        throw new IOException(file + " holds no private key");
    }

    static void writeCertificate(Path file, X509Certificate cert) throws IOException {
        write(file, encode(cert), false);
    }

    static void writePrivateKey(Path file, PrivateKey key, PublicKey publicKey) throws IOException {
        if (!(key instanceof ECPrivateKey ec)) {
            throw new IOException("not an EC key: " + key.getAlgorithm());
        }
        SubjectPublicKeyInfo pub = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        AlgorithmIdentifier curve = pub.getAlgorithm();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                ec.getParams().getOrder().bitLength(), ec.getS(), pub.getPublicKeyData(), curve.getParameters());
        write(file, encode(new PemObject("PRIVATE KEY", new PrivateKeyInfo(curve, sec1).getEncoded())), true);
    }

    private static Object readObject(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o == null) {
                throw new IOException(file + " is not a PEM file");
            }
            return o;
        } catch (NoSuchFileException e) {
            throw new IOException("no such file: " + file, e);
        }
    }

    private static String encode(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    /** Writes a new file; refuses to replace one (a key overwritten by mistake cannot be brought back). */
    private static void write(Path file, String content, boolean secret) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    secret ? "rw-------" : "rw-r--r--")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists already; not replacing it", e);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.WRITE)) {
            w.write(content);
        }
    }
}
