package io.sheepdog.store;

import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;

/** Byte array comparison that reports the first difference instead of printing megabytes. */
public final class SameBytes {
    private SameBytes() {
    }

    public static void assertSameBytes(byte[] actual, byte[] expected, String context) {
        int at = Arrays.mismatch(actual, expected);
        if (at >= 0) {
            fail(context + ": bytes differ at index " + at + " (block " + at / ObjectLayout.BLOCK_SIZE + "): "
                    + (at < actual.length ? actual[at] : "end") + " instead of "
                    + (at < expected.length ? expected[at] : "end") + "; lengths " + actual.length + "/"
                    + expected.length);
        }
    }
}
