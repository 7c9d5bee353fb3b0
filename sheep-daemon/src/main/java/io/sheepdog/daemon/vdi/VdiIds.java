package io.sheepdog.daemon.vdi;

import io.sheepdog.membership.Fnv1a;
import io.sheepdog.store.ObjectId;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * VDI ids as Sheepdog derives them: the low 24 bits of FNV-1a of the name ({@code sd_hash_vdi}), probing upwards
 * (wrapping, skipping the reserved id 0) to the next free id on a collision.
 */
public final class VdiIds {
    private static final int SPACE = ObjectId.MAX_VDI_ID + 1;

    private VdiIds() {
    }

    /** The id a VDI of this name gets when nothing collides. */
    public static int hash(String name) {
        return (int) (Fnv1a.hash(name.getBytes(StandardCharsets.UTF_8)) & ObjectId.MAX_VDI_ID);
    }

    /** The first id from {@link #hash(String)} on for which {@code inUse} is false; empty if all are taken. */
    public static OptionalInt allocate(String name, IntPredicate inUse) {
        int start = hash(name);
        for (int i = 0; i < SPACE; i++) {
            int vid = (start + i) & ObjectId.MAX_VDI_ID;
            if (vid != 0 && !inUse.test(vid)) {
                return OptionalInt.of(vid);
            }
        }
        return OptionalInt.empty();
    }
}
