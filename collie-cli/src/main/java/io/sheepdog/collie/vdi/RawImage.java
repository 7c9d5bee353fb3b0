package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ProgressBar;

/**
 * The progress (a bar with the rate on a terminal, a line at every tenth otherwise) and the closing rate line that
 * {@code vdi import} and {@code vdi export} show on stderr.
 */
final class RawImage {
    private static final long MIB = 1L << 20;

    private final CollieIo io;
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();

    RawImage(CollieIo io) {
        this.io = io;
        this.bar = ProgressBar.ofBytes(io.err(), io.terminal(), ProgressBar.Plain.LINES, System::nanoTime);
    }

    VdiTransfer.Progress progress() {
        return bar::update;
    }

    /** Ends the bar and says how much moved how fast, and how much was left out as zeroes. */
    void finish(String verb, long size, long written) {
        bar.finish();
        double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
        io.err().printf("%s %d MiB in %.1f s (%.0f MiB/s); %d MiB of zeroes left as holes%n", verb,
                (size + MIB - 1) / MIB, seconds, size / (double) MIB / seconds, (size - written) / MIB);
        io.err().flush();
    }
}
