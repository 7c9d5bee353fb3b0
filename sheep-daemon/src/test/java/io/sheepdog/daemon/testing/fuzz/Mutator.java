package io.sheepdog.daemon.testing.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Structure-blind damage to wire bytes, in the manner of AFL's havoc stage: bit flips, edge values written over
 * 1/2/4/8 bytes (big-endian, as both protocols are), bytes inserted, deleted, duplicated or cut off. The generators
 * build well-formed messages first and damage only some of them, so most cases get past the framing and reach the
 * logic behind it.
 */
public final class Mutator {

    /** One kind of damage; {@link #apply} names the ones it used in the case label. */
    enum Damage {
        FLIP_BIT, EDGE_BYTE, EDGE_SHORT, EDGE_INT, EDGE_LONG, RANDOM_BYTE, INSERT, DELETE, DUPLICATE, TRUNCATE
    }

    private Mutator() {
    }

    /**
     * Applies {@code rounds} damages to a copy of {@code in}.
     *
     * @param maxLength the result never grows past this many bytes (inserts and duplicates stop there)
     * @param label     receives the names of the damages, for the case's description
     */
    public static byte[] apply(byte[] in, SplittableRandom r, int rounds, int maxLength, StringBuilder label) {
        byte[] b = in.clone();
        for (int i = 0; i < rounds; i++) {
            Damage d = Damage.values()[r.nextInt(Damage.values().length)];
            byte[] next = damage(b, d, r, maxLength);
            if (next != b) {
                label.append(' ').append(d.name().toLowerCase());
            }
            b = next;
        }
        return b;
    }

    private static byte[] damage(byte[] b, Damage d, SplittableRandom r, int maxLength) {
        if (b.length == 0) {
            return d == Damage.INSERT ? insert(b, r, maxLength) : b;
        }
        int at = r.nextInt(b.length);
        switch (d) {
            case FLIP_BIT: {
                byte[] c = b.clone();
                c[at] ^= (byte) (1 << r.nextInt(8));
                return c;
            }
            case EDGE_BYTE:
                return overwrite(b, at, Interesting.edge(r, 8), 1);
            case EDGE_SHORT:
                return overwrite(b, at, Interesting.edge(r, 16), 2);
            case EDGE_INT:
                return overwrite(b, at, Interesting.edge(r, 32), 4);
            case EDGE_LONG:
                return overwrite(b, at, Interesting.edge(r, 64), 8);
            case RANDOM_BYTE: {
                byte[] c = b.clone();
                c[at] = (byte) r.nextInt(256);
                return c;
            }
            case INSERT:
                return insert(b, r, maxLength);
            case DELETE: {
                int n = Math.min(b.length - at, 1 + r.nextInt(16));
                byte[] c = new byte[b.length - n];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + n, c, at, b.length - at - n);
                return c;
            }
            case DUPLICATE: {
                int n = Math.min(Math.min(b.length - at, 1 + r.nextInt(64)), maxLength - b.length);
                if (n <= 0) {
                    return b;
                }
                byte[] c = new byte[b.length + n];
                System.arraycopy(b, 0, c, 0, at + n);
                System.arraycopy(b, at, c, at + n, b.length - at);
                return c;
            }
            case TRUNCATE:
                return Arrays.copyOf(b, at);
            default:
                throw new IllegalStateException("unknown damage " + d);
        }
    }

    /** Writes the low {@code width} bytes of {@code value} big-endian at {@code at}, clipped to the array. */
    private static byte[] overwrite(byte[] b, int at, long value, int width) {
        byte[] c = b.clone();
        for (int i = 0; i < width && at + i < c.length; i++) {
            c[at + i] = (byte) (value >>> (8 * (width - 1 - i)));
        }
        return c;
    }

    private static byte[] insert(byte[] b, SplittableRandom r, int maxLength) {
        int n = Math.min(1 + r.nextInt(16), maxLength - b.length);
        if (n <= 0) {
            return b;
        }
        int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
        byte[] c = new byte[b.length + n];
        System.arraycopy(b, 0, c, 0, at);
        for (int i = 0; i < n; i++) {
            c[at + i] = (byte) r.nextInt(256);
        }
        System.arraycopy(b, at, c, at + n, b.length - at);
        return c;
    }
}
