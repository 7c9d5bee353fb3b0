package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reading the end of a log file that may be large, may be missing and may still be growing. */
final class LogFiles {
    /** Read at most this much from the end of a file for a tail: enough for any sane number of lines. */
    private static final int TAIL_BYTES = 256 * 1024;

    private LogFiles() {
    }

    /** The last {@code lines} lines of {@code file}, or a note saying it is missing or unreadable. */
    static String tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(" + file + " does not exist)\n";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            int n = (int) Math.min(length, TAIL_BYTES);
            byte[] buf = new byte[n];
            f.seek(length - n);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\\R", -1);
            // The first line may have been cut by the byte window; the last one is empty after a final newline.
            int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
            int from = Math.max(n < length ? 1 : 0, end - lines);
            return String.join("\n", Arrays.copyOfRange(all, from, end)) + "\n";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }

    /** The whole file, or "" if it is missing. */
    static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")\n";
        }
    }
}
