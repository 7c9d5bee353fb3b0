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
 * tables and messages, and the time zone for printing times. Tests pass in-memory streams and a fixed zone.
 *
 * @param in   stdin, for {@code vdi write}
 * @param data stdout as bytes, for {@code vdi read}; {@code out} is flushed before it is used
 * @param out  stdout as text
 * @param err  stderr as text
 * @param zone the zone times are shown in
 */
public record CollieIo(InputStream in, OutputStream data, PrintWriter out, PrintWriter err, ZoneId zone) {

    /** Over the given streams, UTF-8 text. */
    public static CollieIo of(InputStream in, OutputStream stdout, OutputStream stderr, ZoneId zone) {
        return new CollieIo(in, stdout, new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true), zone);
    }

    /** The process's own streams, unbuffered file descriptors (VDI data moves in large chunks anyway). */
    public static CollieIo system() {
        return of(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err), ZoneId.systemDefault());
    }
}
