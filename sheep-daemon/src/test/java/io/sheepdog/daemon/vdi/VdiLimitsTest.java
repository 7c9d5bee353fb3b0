package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.membership.meta.Redundancy;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.store.ObjectId;
import org.junit.jupiter.api.Test;

/** The limits that live in one module and are repeated, or must fit, in another. */
class VdiLimitsTest {

    @Test
    void theVdiTableAndTheObjectIdAgreeOnTheLargestVdiId() {
        // ObjectId defines it (24 bits of an object id); membership cannot see object-store and repeats it.
        assertThat(VdiEntry.MAX_VID).isEqualTo(ObjectId.MAX_VDI_ID).isEqualTo(0xff_ffff);
    }

    @Test
    void theCopiesPolicyFitsTheWireFieldAndTheInodeHeader() {
        // Both carry copies in one byte; the policy (31, as Sheepdog) is the tighter limit.
        assertThat(Redundancy.MAX_COPIES).isLessThanOrEqualTo(SheepProtocol.MAX_COPIES_OPERAND)
                .isLessThanOrEqualTo(0xff);
        assertThat(InodeLayout.SHIFT_OFFSET - InodeLayout.COPIES_OFFSET).as("copies bytes in the inode").isEqualTo(1);
    }
}
