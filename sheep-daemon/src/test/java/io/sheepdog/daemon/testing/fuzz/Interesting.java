package io.sheepdog.daemon.testing.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Field values that find bugs more often than uniform ones: the edges of signed and unsigned widths, zero, one, and
 * values just around a limit the caller names (a size, a maximum payload). Every draw is a function of the random
 * source alone.
 */
public final class Interesting {
    private static final long[] EDGES = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x1_0000, 0x7fff_ffffL, 0x8000_0000L,
        0xffff_ffffL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -2, 4096, 4095, 4097, 512, 4 << 20,
        (4 << 20) + 1, 32 << 20, (32 << 20) + 1, 64 << 20, (64 << 20) + 1,
    };

    private Interesting() {
    }

    /** An edge value, truncated to the low {@code bits} bits. */
    public static long edge(SplittableRandom r, int bits) {
        long v = EDGES[r.nextInt(EDGES.length)];
        return bits >= 64 ? v : v & ((1L << bits) - 1);
    }

    /**
     * A value for a field of {@code bits} bits that matters relative to {@code limit}: mostly within [0, limit),
     * often at limit-1, limit, limit+1, sometimes an edge of the width or anything at all.
     */
    public static long around(SplittableRandom r, long limit, int bits) {
        long mask = bits >= 64 ? -1L : (1L << bits) - 1;
        switch (r.nextInt(8)) {
            case 0:
                return edge(r, bits);
            case 1:
                return r.nextLong() & mask;
            case 2:
                return (limit + r.nextInt(-1, 2)) & mask;
            case 3:
                return (limit - r.nextInt(1, 4097)) & mask;
            default:
                return limit <= 0 ? 0 : r.nextLong(limit);
        }
    }

    /** A value below {@code limit}, biased towards 0 and 4 KiB multiples as real clients send. */
    public static long within(SplittableRandom r, long limit) {
        if (limit <= 0) {
            return 0;
        }
        long v = r.nextLong(limit);
        return r.nextBoolean() ? v & ~4095L : v;
    }

    /** One element of {@code choices}. */
    public static <T> T pick(SplittableRandom r, List<T> choices) {
        return choices.get(r.nextInt(choices.size()));
    }

    /** True with probability 1/n. */
    public static boolean oneIn(SplittableRandom r, int n) {
        return r.nextInt(n) == 0;
    }
}
