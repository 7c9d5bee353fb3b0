package io.sheepdog.daemon.api;

import java.util.Objects;

/**
 * Which snapshot of a VDI a command means, as {@code -s TAG|ID} names it: its number (Sheepdog's snapshot id, 1 for
 * a name's first snapshot) or its tag. Text made only of digits is a number, so a tag may not be all digits.
 *
 * @param id  the snapshot number, or 0 when the tag names it
 * @param tag the tag, or empty when the number names it
 */
public record SnapshotRef(int id, String tag) {

    public SnapshotRef {
        Objects.requireNonNull(tag, "tag");
        if ((id == 0) == tag.isEmpty() || id < 0) {
            throw new IllegalArgumentException("a snapshot is named by a number above 0 or by a tag, not both");
        }
    }

    /**
     * Parses {@code -s}'s argument: digits are a snapshot number, anything else a tag.
     *
     * @throws IllegalArgumentException for empty text or a number that is 0 or too large
     */
    public static SnapshotRef parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a snapshot is named by its tag or its number, not by nothing");
        }
        if (isNumber(text)) {
            int id;
            try {
                id = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("snapshot number " + text + " is too large", e);
            }
            if (id == 0) {
                throw new IllegalArgumentException("snapshot numbers start at 1; 0 is the working VDI");
            }
            return new SnapshotRef(id, "");
        }
        return new SnapshotRef(0, text);
    }

    /** Whether {@code text} would be read as a snapshot number (so it cannot be a tag). */
    public static boolean isNumber(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The text {@link #parse} reads back: the tag, or the number. */
    @Override
    public String toString() {
        return tag.isEmpty() ? Integer.toString(id) : tag;
    }
}
