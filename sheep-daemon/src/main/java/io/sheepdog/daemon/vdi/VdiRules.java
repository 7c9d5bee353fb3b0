package io.sheepdog.daemon.vdi;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
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
