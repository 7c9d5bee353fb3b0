package io.sheepdog.daemon.testing.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An outside NBD client for tests: python3-libnbd (the reference client library) run by the system python. Data
 * moves through files so tests can write seeded random bytes and compare what comes back byte for byte.
 *
 * <p>Writes end the client with {@code os._exit} right after the last acknowledged command, without
 * {@code NBD_CMD_DISC}: the server gets no orderly goodbye it could use to flush, so only the durability the
 * acknowledged FLUSH or FUA promised is tested.
 */
public final class PythonNbd {
    /** How a write is made durable before the client goes away. */
    public enum Durability {
        /** Plain writes followed by one NBD_CMD_FLUSH. */
        FLUSH,
        /** Every write carries NBD_CMD_FLAG_FUA; no flush. */
        FUA
    }

    /** A file's bytes at an offset of the export ({@code length} used for reads only). */
    public record Extent(Path file, long offset, int length) {
    }

    private static final String WRITE = """
            import nbd, os, sys
            uri, mode = sys.argv[1], sys.argv[2]
            h = nbd.NBD()
            h.connect_uri(uri)
            if mode == "FUA" and not h.can_fua():
                print("the server does not advertise NBD_FLAG_SEND_FUA"); sys.stdout.flush(); os._exit(3)
            if mode == "FLUSH" and not h.can_flush():
                print("the server does not advertise NBD_FLAG_SEND_FLUSH"); sys.stdout.flush(); os._exit(3)
            flags = nbd.CMD_FLAG_FUA if mode == "FUA" else 0
            for spec in sys.argv[3:]:
                path, off = spec.rsplit("@", 1)
                with open(path, "rb") as f:
                    h.pwrite(f.read(), int(off), flags)
            if mode == "FLUSH":
                h.flush()
            print("acknowledged"); sys.stdout.flush()
            os._exit(0)
            """;

    private static final String READ = """
            import nbd, sys
            h = nbd.NBD()
            h.connect_uri(sys.argv[1])
            for spec in sys.argv[2:]:
                path, off, length = spec.rsplit("@", 2)
                with open(path, "wb") as f:
                    f.write(h.pread(int(length), int(off)))
            h.shutdown()
            print("read")
            """;

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private PythonNbd() {
    }

    /** Writes each extent's file at its offset of {@code uri}, made durable as {@code durability} says. */
    public static CommandResult write(String uri, Durability durability, List<Extent> extents) {
        List<String> args = new ArrayList<>(List.of(uri, durability.name()));
        for (Extent e : extents) {
            args.add(e.file() + "@" + e.offset());
        }
        return ExternalCommand.python(WRITE, args.toArray(String[]::new)).timeout(TIMEOUT).run();
    }

    /** Reads {@code length} bytes at each extent's offset of {@code uri} into its file. */
    public static CommandResult read(String uri, List<Extent> extents) {
        List<String> args = new ArrayList<>(List.of(uri));
        for (Extent e : extents) {
            args.add(e.file() + "@" + e.offset() + "@" + e.length());
        }
        return ExternalCommand.python(READ, args.toArray(String[]::new)).timeout(TIMEOUT).run();
    }
}
