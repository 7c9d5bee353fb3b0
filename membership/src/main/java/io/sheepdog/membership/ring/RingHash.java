package io.sheepdog.membership.ring;

/**
 * The hash functions of the ring. They are part of the on-disk contract (where objects live follows from them), so
 * they never change: a 64-bit finalizer (the SplitMix64 mixer) over node ids, vnode numbers, object ids and probe
 * numbers, which spreads even consecutive inputs uniformly over the ring.
 */
final class RingHash {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private RingHash() {
    }

    /** Ring position of virtual node {@code vnode} of the node with id {@code nodeId}. */
    static long vnode(long nodeId, int vnode) {
        return mix(nodeId ^ mix(vnode * GOLDEN + 1));
    }

    /** Ring position of probe {@code probe} of object {@code oid}. */
    static long object(long oid, int probe) {
        return mix(mix(oid) + probe * GOLDEN);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
