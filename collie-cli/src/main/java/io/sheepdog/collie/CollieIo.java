package io.sheepdog.collie;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/**
 * Where a collie run reads and writes: binary stdin and stdout for VDI data, text writers over stdout and stderr for
 * tables and messages, whether stderr is a terminal (progress bars), and the time zone for printing times. Tests pass
 * in-memory streams, a fixed zone and the terminal flag they want.
 *
 * @param in       stdin, for {@code vdi write}
 * @param data     stdout as bytes, for {@code vdi read}; {@code out} is flushed before it is used
 * @param out      stdout as text
 * @param err      stderr as text
 * @param zone     the zone times are shown in
 * @param terminal whether {@code err} is a terminal, so progress may be redrawn in place on it
 */
public record CollieIo(InputStream in, OutputStream data, PrintWriter out, PrintWriter err, ZoneId zone,
                       boolean terminal) {

    /** Over the given streams, UTF-8 text, stderr not a terminal. */
    public static CollieIo of(InputStream in, OutputStream stdout, OutputStream stderr, ZoneId zone) {
        return new CollieIo(in, stdout, new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true), zone, false);
    }

    /** The process's own streams, unbuffered file descriptors (VDI data moves in large chunks anyway). */
    public static CollieIo system() {
        return of(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), ZoneId.systemDefault()).withTerminal(ProgressBar.isTerminal());
    }

    /** The same streams, with stderr taken for a terminal or not. */
    public CollieIo withTerminal(boolean isTerminal) {
        return new CollieIo(in, data, out, err, zone, isTerminal);
    }
}
