package io.sheepdog.daemon.security;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Who is on the other end of a channel: the name and {@link Role} in its certificate's subject
 * ({@code CN=name, OU=role} or, for a VDI role, one {@code OU=vdi:NAME} per VDI).
 *
 * @param name who it is ("node 10.0.0.1:7000", "admin", "qemu-host-3"), for logs and refusals
 * @param role what it may do
 * @param vdis the VDIs a {@link Role#VDI} identity may open; empty for the other roles
 */
public record Identity(String name, Role role, Set<String> vdis) {
    private static final String VDI_PREFIX = "vdi:";
    /** A sheep started without keys (loopback only): everyone is trusted, as on a laptop. */
    public static final Identity INSECURE = new Identity("anyone (no TLS)", Role.NODE, Set.of());

    public Identity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        vdis = Collections.unmodifiableSortedSet(new TreeSet<>(vdis));
        if (name.isBlank()) {
            throw new IllegalArgumentException("an identity needs a name");
        }
        if ((role == Role.VDI) == vdis.isEmpty()) {
            throw new IllegalArgumentException(role == Role.VDI ? "a vdi role names at least one VDI"
                    : "only the vdi role names VDIs");
        }
    }

    public static Identity of(String name, Role role) {
        return new Identity(name, role, Set.of());
    }

    /**
     * Parses a role as given on a command line: a {@link Role#label()}, or {@code vdi:NAME[,NAME...]}.
     */
    public static Identity parse(String name, String role) {
        if (role.startsWith(VDI_PREFIX)) {
            Set<String> names = new TreeSet<>();
            for (String n : role.substring(VDI_PREFIX.length()).split(",")) {
                if (!n.isBlank()) {
                    names.add(n.trim());
                }
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a vdi role names at least one VDI: vdi:NAME[,NAME...]");
            }
            return new Identity(name, Role.VDI, names);
        }
        return of(name, Role.parse(role));
    }

    public boolean allows(Permission p) {
        return role.allows(p);
    }

    /** Whether this identity may see and open the VDI {@code vdi} over NBD (for writing if it may write). */
    public boolean mayOpen(String vdi) {
        return role == Role.VDI ? vdis.contains(vdi) : role.allows(Permission.READ);
    }

    /** Whether what it opens over NBD must be read-only. */
    public boolean readOnly() {
        return role == Role.READ_ONLY;
    }

    /** The certificate subject naming this identity in the cluster {@code cluster}. */
    X500Name subject(String cluster) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, cluster);
        if (role == Role.VDI) {
            vdis.forEach(v -> b.addRDN(BCStyle.OU, VDI_PREFIX + v));
        } else {
            b.addRDN(BCStyle.OU, role.label());
        }
        return b.addRDN(BCStyle.CN, name).build();
    }

    /**
     * The identity a certificate of the cluster CA names.
     *
     * @throws IllegalArgumentException if the subject names no role, or two
     */
    public static Identity of(X509Certificate cert) {
        X500Name subject = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        String name = first(subject, BCStyle.CN);
        Role role = null;
        List<String> vdis = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(BCStyle.OU)) {
            String ou = text(rdn);
            if (ou.startsWith(VDI_PREFIX)) {
                vdis.add(ou.substring(VDI_PREFIX.length()));
            } else if (role == null) {
                role = Role.parse(ou);
            } else {
                throw new IllegalArgumentException("the certificate of " + name + " names two roles");
            }
        }
        if (!vdis.isEmpty()) {
            if (role != null) {
                throw new IllegalArgumentException("the certificate of " + name + " names a role and VDIs");
            }
            role = Role.VDI;
        }
        if (role == null || name == null) {
            throw new IllegalArgumentException("the certificate " + subject + " names no sheepdog role");
        }
        return new Identity(name, role, Set.copyOf(vdis));
    }

    private static String first(X500Name subject, org.bouncycastle.asn1.ASN1ObjectIdentifier attribute) {
        RDN[] rdns = subject.getRDNs(attribute);
        return rdns.length == 0 ? null : text(rdns[0]);
    }

    /** The attribute's text as written, without the escaping of its string form ("a, b" stays "a, b"). */
    static String text(RDN rdn) {
        return rdn.getFirst().getValue() instanceof ASN1String str ? str.getString()
                : IETFUtils.valueToString(rdn.getFirst().getValue());
    }

    /** "admin (role admin)", "qemu-3 (vdi alice, bob)". */
    public String describe() {
        return name + (role == Role.VDI ? " (vdi " + String.join(", ", vdis) + ")" : " (role " + role.label() + ")");
    }
}
