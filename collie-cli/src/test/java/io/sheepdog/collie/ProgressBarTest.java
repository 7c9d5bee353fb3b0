package io.sheepdog.collie;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** ProgressBar: redrawn in place with the rate on a terminal, at most ten times a second; lines or nothing off it. */
class ProgressBarTest {
    private static final long MIB = 1L << 20;
    private final StringWriter text = new StringWriter();
    private final PrintWriter out = new PrintWriter(text);
    private long nowNanos = TimeUnit.SECONDS.toNanos(100);

    private long now() {
        return nowNanos;
    }

    private void advanceMillis(long millis) {
        nowNanos += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceWithTheRateAtMostTenTimesASecond() {
        ProgressBar bar = ProgressBar.ofBytes(out, true, ProgressBar.Plain.SILENT, this::now);
        advanceMillis(1000);
        bar.update(10 * MIB, 100 * MIB);
        assertThat(text.toString()).isEqualTo("\r" + ProgressBar.bar(10, 100) + " 10/100 MiB, 10.0 MiB/s");
        advanceMillis(50);
        bar.update(15 * MIB, 100 * MIB);
        assertThat(text.toString()).as("not redrawn within 100 ms").doesNotContain("15/100");
        advanceMillis(950);
        bar.update(40 * MIB, 100 * MIB);
        assertThat(text.toString()).endsWith("\r" + ProgressBar.bar(40, 100) + " 40/100 MiB, 20.0 MiB/s");
        advanceMillis(10);
        bar.update(41 * MIB, 100 * MIB);
        bar.finish();
        assertThat(text.toString()).as("finish shows the last update, then ends the line")
                .endsWith(" 41/100 MiB, 20.4 MiB/s\n".replace("\n", System.lineSeparator()));
    }

    @Test
    void offATerminalASilentBarPrintsNothingAndALinesBarATenthAtATime() {
        ProgressBar silent = ProgressBar.ofBytes(out, false, ProgressBar.Plain.SILENT, this::now);
        for (long done = 0; done <= 100; done += 5) {
            advanceMillis(200);
            silent.update(done * MIB, 100 * MIB);
        }
        silent.finish();
        assertThat(text.toString()).isEmpty();

        ProgressBar lines = ProgressBar.ofBytes(out, false, ProgressBar.Plain.LINES, this::now);
        for (long done = 0; done <= 100; done += 5) {
            advanceMillis(200);
            lines.update(done * MIB, 100 * MIB);
        }
        lines.finish();
        assertThat(text.toString().lines()).hasSize(11).first().asString().startsWith("  0.0% 0/100 MiB");
        assertThat(text.toString()).doesNotContain("\r").contains("100.0% 100/100 MiB, 23.8 MiB/s");
    }
}
