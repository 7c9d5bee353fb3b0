package io.sheepdog.daemon.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The role a certificate grants, written in its subject's OU as {@link #label()}. Nodes may do everything; an admin
 * everything but the node-to-node operations; a user reads and writes VDIs but destroys nothing; read-only looks. A
 * VDI role ({@code vdi:NAME}) opens only the named VDIs over NBD and sees only cluster state on the sheep port.
 */
public enum Role {
    NODE("node", EnumSet.allOf(Permission.class)),
    ADMIN("admin", EnumSet.of(Permission.STATUS, Permission.READ, Permission.WRITE, Permission.ADMIN)),
    USER("user", EnumSet.of(Permission.STATUS, Permission.READ, Permission.WRITE)),
    READ_ONLY("read-only", EnumSet.of(Permission.STATUS, Permission.READ)),
    VDI("vdi", EnumSet.of(Permission.STATUS));

    private final String label;
    private final Set<Permission> permissions;

    Role(String label, Set<Permission> permissions) {
        this.label = label;
        this.permissions = permissions;
    }

    /** How the role is written in certificates and on command lines. */
    public String label() {
        return label;
    }

    public boolean allows(Permission p) {
        return permissions.contains(p);
    }

    /** The role labelled {@code label}, case-insensitively. */
    public static Role parse(String label) {
        String l = label.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.label.equals(l)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + label + "' (one of "
                        + Arrays.stream(values()).map(r -> r == VDI ? "vdi:NAME" : r.label)
                        .collect(Collectors.joining(", ")) + ")"));
    }
}
