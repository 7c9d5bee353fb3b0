package io.sheepdog.daemon.vdi;

import java.nio.charset.StandardCharsets;

/** What makes a VDI name valid. */
public final class VdiNames {
    /** Longest VDI name in bytes, as in Sheepdog (SD_MAX_VDI_LEN). */
    public static final int MAX_NAME_BYTES = 256;

    private VdiNames() {
    }

    /** The problem with {@code name} as a VDI name, or null if it is fine. */
    public static String check(String name) {
        if (name == null || name.isEmpty()) {
            return "VDI name must not be empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "VDI name is longer than " + MAX_NAME_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "VDI name must not contain control characters";
            }
        }
        if (name.contains("/")) {
            // The name is the NBD export name and appears in nbd:// URLs.
            return "VDI name must not contain '/'";
        }
        return null;
    }
}
