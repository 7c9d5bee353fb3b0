package io.sheepdog.collie;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Progress of a long collie operation, done/total with a percentage and, for byte counts, the rate. On a terminal one
 * line is redrawn in place ({@code \r}) with a bar, at most every {@value #REDRAW_MILLIS} ms; otherwise (a pipe, a log
 * file) either a plain line is printed at every tenth of the way, so logs stay readable, or nothing at all
 * ({@link Plain}). {@link #bar} is the rendering {@code node recovery --watch} shows too. Time is passed in (a
 * nanosecond clock), so tests step it.
 */
public final class ProgressBar {
    private static final int BAR_WIDTH = 40;
    private static final int PLAIN_STEPS = 10;
    private static final long REDRAW_MILLIS = 100;
    private static final long MIB = 1L << 20;

    /** What a bar shows when its output is not a terminal. */
    public enum Plain {
        /** A line at every tenth of the way. */
        LINES,
        /** Nothing: the command's own closing line (if any) is enough in a log. */
        SILENT
    }

    private final PrintWriter out;
    private final boolean terminal;
    private final Plain plain;
    private final String unit;
    private final long scale;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private int lastStep = -1;
    private long lastDrawNanos;
    private int lastWidth;
    private boolean drawn;
    private long done;
    private long total;
    private boolean pending;

    /**
     * A bar of counts without a rate, printing lines when not on a terminal.
     *
     * @param out      where to draw
     * @param terminal whether {@code out} is a terminal ({@link CollieIo#terminal()})
     * @param unit     what is counted, plural ("objects")
     */
    public ProgressBar(PrintWriter out, boolean terminal, String unit) {
        this(out, terminal, Plain.LINES, unit, 1, null);
    }

    private ProgressBar(PrintWriter out, boolean terminal, Plain plain, String unit, long scale,
                        LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.plain = plain;
        this.unit = unit;
        this.scale = scale;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock == null ? 0 : nanoClock.getAsLong();
    }

    /** A bar of bytes, shown in MiB with the mean rate since it was made, in MiB/s. */
    public static ProgressBar ofBytes(PrintWriter out, boolean terminal, Plain plain, LongSupplier nanoClock) {
        return new ProgressBar(out, terminal, plain, "MiB", MIB, nanoClock);
    }

    /**
     * Whether this process's stderr, where bars are drawn, is a terminal. On Linux that is where fd 2 leads
     * ({@code /dev/pts/N}, {@code /dev/ttyN}), so a backup to a file or a restore from one still shows its bar;
     * elsewhere {@code System.console()} (stdin and stdout both a terminal) stands in.
     */
    public static boolean isTerminal() {
        Path fd2 = Path.of("/proc/self/fd/2");
        try {
            String target = Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** Shows that {@code done} of {@code total} are done. */
    public void update(long done, long total) {
        this.done = done;
        this.total = total;
        if (terminal) {
            long now = nanoClock == null ? 0 : nanoClock.getAsLong();
            if (drawn && done < total && nanoClock != null && now - lastDrawNanos < REDRAW_MILLIS * 1_000_000) {
                pending = true; // drawn at the next chance, or by finish()
                return;
            }
            lastDrawNanos = now;
            draw();
        } else if (plain == Plain.LINES) {
            int step = total == 0 ? PLAIN_STEPS : (int) (PLAIN_STEPS * done / total);
            if (step == lastStep) {
                return;
            }
            lastStep = step;
            out.println(String.format("%5.1f%%", percent(done, total)) + counts());
            out.flush();
        }
    }

    /** Ends the line the bar was drawn on (a terminal only), showing the last update first. */
    public void finish() {
        if (terminal && pending) {
            draw();
        }
        if (terminal && drawn) {
            out.println();
            out.flush();
        }
    }

    private void draw() {
        String line = bar(done, total) + counts();
        // Pad over what a longer previous line left (the rate's width changes).
        out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        out.flush();
        lastWidth = line.length();
        drawn = true;
        pending = false;
    }

    private String counts() {
        String counts = scale == 1 ? String.format(" %d/%d %s", done, total, unit)
                : String.format(" %d/%d %s", done / scale, (total + scale - 1) / scale, unit);
        if (nanoClock == null) {
            return counts;
        }
        double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        return seconds <= 0 ? counts : counts + String.format(", %.1f %s/s", done / (double) scale / seconds, unit);
    }

    /** A text progress bar such as {@code [#######...........]  35.0%}. */
    public static String bar(long done, long total) {
        double fraction = total == 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + String.format("%5.1f%%",
                fraction * 100);
    }

    /** The width of {@link #bar}'s output besides the percentage, for clearing a line. */
    public static int width() {
        return BAR_WIDTH;
    }

    private static double percent(long done, long total) {
        return total == 0 ? 100.0 : Math.min(100.0, 100.0 * done / total);
    }
}
