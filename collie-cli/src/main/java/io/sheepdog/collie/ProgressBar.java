package io.sheepdog.collie;

import java.io.PrintWriter;

/**
 * Progress of a long collie operation, done/total with a percentage. On a terminal one line is redrawn in place
 * ({@code \r}) with a bar; otherwise (a pipe, a log file) a plain line is printed at every tenth of the way, so logs
 * stay readable. {@link #bar} is the rendering {@code node recovery --watch} shows too.
 */
public final class ProgressBar {
    private static final int BAR_WIDTH = 40;
    private static final int PLAIN_STEPS = 10;

    private final PrintWriter out;
    private final boolean terminal;
    private final String unit;
    private int lastStep = -1;
    private boolean drawn;

    /**
     * @param out      where to draw
     * @param terminal whether {@code out} is a terminal (see {@link #isTerminal()})
     * @param unit     what is counted, plural ("objects")
     */
    public ProgressBar(PrintWriter out, boolean terminal, String unit) {
        this.out = out;
        this.terminal = terminal;
        this.unit = unit;
    }

    /** Whether this process talks to a terminal (neither stdin nor stdout redirected). */
    public static boolean isTerminal() {
        return System.console() != null;
    }

    /** Shows that {@code done} of {@code total} are done. */
    public void update(long done, long total) {
        String counts = String.format(" %d/%d %s", done, total, unit);
        if (terminal) {
            out.print("\r" + bar(done, total) + counts);
            drawn = true;
        } else {
            int step = total == 0 ? PLAIN_STEPS : (int) (PLAIN_STEPS * done / total);
            if (step == lastStep) {
                return;
            }
            lastStep = step;
            out.println(String.format("%5.1f%%", percent(done, total)) + counts);
        }
        out.flush();
    }

    /** Ends the line the bar was drawn on (a terminal only). */
    public void finish() {
        if (terminal && drawn) {
            out.println();
            out.flush();
        }
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
