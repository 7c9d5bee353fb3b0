package io.sheepdog.nbd.server;

import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.codec.NbdTransmissionFlag;
import java.util.EnumSet;

/** The transmission flags advertised for an export. */
final class NbdExportFlags {

    private NbdExportFlags() {
    }

    /**
     * The flags for {@code device}: flush and cache always; FUA, trim and write zeroes unless read-only; DF only
     * with structured replies (a read is always answered with one content chunk, so DF costs nothing); multi-conn
     * only if the device says its caching allows it. SEND_FAST_ZERO is not offered: the SPI cannot tell whether
     * zeroing is faster than writing.
     */
    static int of(BlockDevice device, boolean structuredReplies) {
        EnumSet<NbdTransmissionFlag> flags = EnumSet.of(NbdTransmissionFlag.HAS_FLAGS,
                NbdTransmissionFlag.SEND_FLUSH, NbdTransmissionFlag.SEND_CACHE);
        if (device.readOnly()) {
            flags.add(NbdTransmissionFlag.READ_ONLY);
        } else {
            flags.add(NbdTransmissionFlag.SEND_FUA);
            flags.add(NbdTransmissionFlag.SEND_TRIM);
            flags.add(NbdTransmissionFlag.SEND_WRITE_ZEROES);
        }
        if (structuredReplies) {
            flags.add(NbdTransmissionFlag.SEND_DF);
        }
        if (device.multiConn()) {
            flags.add(NbdTransmissionFlag.CAN_MULTI_CONN);
        }
        return NbdTransmissionFlag.toBits(flags);
    }
}
