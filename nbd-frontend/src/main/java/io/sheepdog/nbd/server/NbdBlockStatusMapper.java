package io.sheepdog.nbd.server;

import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the extents a device reports into the descriptors of an NBD_REPLY_TYPE_BLOCK_STATUS chunk, enforcing the
 * length rules of proto.md "NBD_REPLY_TYPE_BLOCK_STATUS":
 * <ul>
 *   <li>with NBD_CMD_FLAG_REQ_ONE: exactly one descriptor, no longer than the requested length;</li>
 *   <li>otherwise the descriptors before the last sum to less than the requested length (the last may reach
 *       past it), at most {@code maxDescriptors} of them;</li>
 *   <li>each length fits the 32-bit field (and stays a multiple of 4096 when split) and nothing extends past the
 *       end of the export;</li>
 *   <li>adjacent extents with the same flags are merged, as the spec recommends.</li>
 * </ul>
 */
final class NbdBlockStatusMapper {

    /** Longest descriptor: the largest multiple of 4096 that fits 32 bits unsigned. */
    static final long MAX_DESCRIPTOR_LENGTH = 0xFFFF_F000L;

    private NbdBlockStatusMapper() {
    }

    /**
     * @param extents        the device's extents, consecutive from the request offset
     * @param requestLength  the requested length (positive)
     * @param bytesToEnd     bytes from the request offset to the end of the export (at least requestLength)
     * @param reqOne         NBD_CMD_FLAG_REQ_ONE was set
     * @param maxDescriptors most descriptors to return (positive)
     * @throws BlockDeviceException (EIO) if the device reported nothing usable
     */
    static List<Extent> map(List<Extent> extents, long requestLength, long bytesToEnd, boolean reqOne,
                            int maxDescriptors) {
        List<Extent> out = new ArrayList<>(reqOne ? 1 : Math.min(extents.size(), maxDescriptors));
        long covered = 0;
        for (Extent e : extents) {
            long remaining = Math.min(e.length(), bytesToEnd - covered);
            if (remaining <= 0) {
                break;
            }
            if (reqOne) {
                long length = Math.min(Math.min(remaining, requestLength), MAX_DESCRIPTOR_LENGTH);
                return List.of(new Extent(length, e.flags()));
            }
            while (remaining > 0 && covered < requestLength) {
                int last = out.size() - 1;
                long added;
                if (last >= 0 && out.get(last).flags() == e.flags()
                        && out.get(last).length() < MAX_DESCRIPTOR_LENGTH) {
                    added = Math.min(remaining, MAX_DESCRIPTOR_LENGTH - out.get(last).length());
                    out.set(last, new Extent(out.get(last).length() + added, e.flags()));
                } else if (out.size() < maxDescriptors) {
                    added = Math.min(remaining, MAX_DESCRIPTOR_LENGTH);
                    out.add(new Extent(added, e.flags()));
                } else {
                    return out;
                }
                covered += added;
                remaining -= added;
            }
            if (covered >= requestLength) {
                break;
            }
        }
        if (out.isEmpty()) {
            throw new BlockDeviceException(NbdError.EIO, "device reported no extent for the requested range");
        }
        return out;
    }
}
