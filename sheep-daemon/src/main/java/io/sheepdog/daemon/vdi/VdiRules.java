package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.membership.meta.Redundancy;

/**
 * The checks a VDI request passes before anything is stored, as {@link SheepException}s with
 * {@link ResultCode#INVALID_PARAMS}: a valid name ({@link VdiNames}), a size the inode can map
 * ({@link InodeLayout#MAX_VDI_SIZE}), a valid redundancy ({@link Redundancy}). Every implementation of the VDI and
 * cluster operations uses these, the test double included, so the rules cannot differ between them.
 */
public final class VdiRules {

    private VdiRules() {
    }

    /** Refuses a name {@link VdiNames#check(String)} finds fault with. */
    public static void checkName(String name) throws SheepException {
        String bad = VdiNames.check(name);
        if (bad != null) {
            throw new SheepException(ResultCode.INVALID_PARAMS, bad);
        }
    }

    /** Longest snapshot tag in bytes, as in Sheepdog (SD_MAX_VDI_TAG_LEN). */
    public static final int MAX_TAG_BYTES = 256;

    /**
     * Refuses a snapshot tag that is too long, holds control characters, or is all digits (which {@code -s} reads as
     * a snapshot number). The empty tag (an untagged snapshot) is fine.
     */
    public static void checkTag(String tag) throws SheepException {
        String bad = null;
        if (tag.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TAG_BYTES) {
            bad = "a snapshot tag is at most " + MAX_TAG_BYTES + " bytes";
        } else if (tag.chars().anyMatch(Character::isISOControl)) {
            bad = "a snapshot tag must not contain control characters";
        } else if (SnapshotRef.isNumber(tag)) {
            bad = "snapshot tag " + tag + " is all digits, which -s reads as a snapshot number; choose another";
        }
        if (bad != null) {
            throw new SheepException(ResultCode.INVALID_PARAMS, bad);
        }
    }

    /** Whether a VDI may have {@code size} bytes: 1 to {@link InodeLayout#MAX_VDI_SIZE}. */
    public static boolean validSize(long size) {
        return size > 0 && size <= InodeLayout.MAX_VDI_SIZE;
    }

    /** Refuses a size that is not {@link #validSize(long) valid}. */
    public static void checkSize(long size) throws SheepException {
        if (!validSize(size)) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "VDI size must be between 1 byte and "
                    + InodeLayout.MAX_VDI_SIZE + " bytes, not " + size);
        }
    }

    /** The redundancy of {@code copies} full copies; refused with {@link Redundancy}'s message if out of range. */
    public static Redundancy redundancy(int copies) throws SheepException {
        try {
            return Redundancy.replicas(copies);
        } catch (IllegalArgumentException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS, e.getMessage(), e);
        }
    }

    /** The refusal of a VDI name that is taken: VDI_EXISTS. */
    public static SheepException exists(String name) {
        return new SheepException(ResultCode.VDI_EXISTS, "VDI " + name + " already exists");
    }

    /** The answer for a VDI name nobody has: NO_VDI. */
    public static SheepException noVdi(String name) {
        return new SheepException(ResultCode.NO_VDI, "VDI " + name + " does not exist");
    }
}
