package io.sheepdog.daemon.testing.fuzz;

import java.util.Arrays;

/** Byte array helpers of the generators. */
final class Bytes {
    private Bytes() {
    }

    /** Whether {@code needle} occurs in {@code hay[from, to)}. */
    static boolean contains(byte[] hay, int from, int to, byte[] needle) {
        for (int i = from; i + needle.length <= to; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        return contains(hay, 0, hay.length, needle);
    }
}
