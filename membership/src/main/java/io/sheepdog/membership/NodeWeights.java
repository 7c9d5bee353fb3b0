package io.sheepdog.membership;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Defaults for a node's zone and weight, when {@code sheep} is not given {@code -z} or {@code -g}.
 *
 * <ul>
 *   <li>Zone: derived from the address, as Sheepdog does (the four bytes of an IPv4 address, the last four of an
 *       IPv6 one, as an integer): daemons on one host share a zone, so no two copies land on one machine.</li>
 *   <li>Weight: one virtual node per {@link #BYTES_PER_VNODE} of store capacity (at least one, at most
 *       {@link #MAX_VNODES}), so load follows capacity; a gateway-only node ({@code -g}) has weight 0.</li>
 * </ul>
 */
public final class NodeWeights {
    /** Capacity per virtual node: 8 GiB, so a 1 TiB store gets 128 vnodes (the ring's balance tests use 128). */
    public static final long BYTES_PER_VNODE = 8L << 30;
    /** Upper bound, keeping the ring small enough to rebuild at every epoch. */
    public static final int MAX_VNODES = 4096;

    private NodeWeights() {
    }

    /** The default zone of a node listening on {@code address}. */
    public static int defaultZone(InetAddress address) {
        byte[] b = address.getAddress();
        int off = address instanceof Inet4Address ? 0 : b.length - 4;
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /** The default weight of a data node whose store holds {@code capacityBytes}. */
    public static int defaultVnodes(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("negative capacity " + capacityBytes);
        }
        long v = capacityBytes / BYTES_PER_VNODE + (capacityBytes % BYTES_PER_VNODE >= BYTES_PER_VNODE / 2 ? 1 : 0);
        return (int) Math.max(1, Math.min(MAX_VNODES, v));
    }
}
