package io.sheepdog.collie;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as operators type them and as Sheepdog prints them.
 *
 * <p>{@link #parse}: a number of bytes with an optional binary suffix, as dog's {@code option_parse_size}:
 * {@code 512}, {@code 4K}, {@code 512M}, {@code 40G}, {@code 1T}, {@code 1P}, {@code 1.5G}; a trailing {@code B} or
 * {@code iB} after the suffix is allowed ({@code 40GB}, {@code 40GiB}), case does not matter, fractions of a byte are
 * dropped.
 *
 * <p>{@link #human}: dog's {@code strnumber}: in MB and up, one decimal below 10 ("4.0 MB", "0.0 MB", "10 GB"),
 * rounded as C's printf rounds (half to even on the exact binary value).
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)(?:([kmgtp])(?:i?b)?|b)?");
    private static final String SUFFIXES = "kmgtp";
    private static final String[] UNITS = {"MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    private static final double MIB = 1024 * 1024;

    private Sizes() {
    }

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException with a message for the operator if {@code text} is not a size or exceeds
     *                                  {@code Long.MAX_VALUE} bytes
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size '" + text
                    + "': use bytes with an optional suffix K, M, G, T or P (powers of 1024), as in 512M or 40G");
        }
        BigDecimal value = new BigDecimal(m.group(1));
        if (m.group(2) != null) {
            int power = SUFFIXES.indexOf(m.group(2).charAt(0)) + 1;
            value = value.multiply(BigDecimal.valueOf(1024).pow(power));
        }
        BigDecimal bytes = value.setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return bytes.longValueExact();
    }

    /** {@code bytes} as dog prints sizes in tables. */
    public static String human(long bytes) {
        double size = bytes / MIB;
        int unit = 0;
        while (unit < UNITS.length - 1 && size >= 1024) {
            unit++;
            size /= 1024;
        }
        int decimals = size >= 10 ? 0 : 1;
        return new BigDecimal(size).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString() + " " + UNITS[unit];
    }

    /** {@code bytes} in tables, or as a plain number with {@code raw} (dog's -r). */
    public static String format(long bytes, boolean raw) {
        return raw ? Long.toString(bytes) : human(bytes);
    }
}
