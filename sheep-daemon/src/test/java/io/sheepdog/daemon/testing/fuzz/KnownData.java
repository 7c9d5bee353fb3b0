package io.sheepdog.daemon.testing.fuzz;

import io.sheepdog.daemon.testing.process.CommandResult;
import io.sheepdog.daemon.testing.process.ExternalCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The data a fuzzer must never change: patterns written with qemu-io into one VDI before fuzzing, and read back with
 * {@code read -P} (which compares every byte) after every batch. The regions cover the start of the VDI, a run
 * across an object boundary and its last object; one region was never written and must still read as zeroes.
 */
public final class KnownData {
    /** A region of the VDI and the byte it holds. */
    record Region(long offset, long length, int pattern) {
        String command(String verb) {
            return verb + " -P 0x" + Integer.toHexString(pattern) + " " + offset + " " + length;
        }
    }

    /** The size of the VDI these regions fit in. */
    public static final long SIZE = 64L << 20;

    private static final List<Region> WRITTEN = List.of(
            new Region(0, 1 << 20, 0x5a),
            new Region((8L << 20) - 8192, 16384, 0xc3),
            new Region(SIZE - (4 << 20), 4 << 20, 0xa5));
    private static final Region NEVER_WRITTEN = new Region(16L << 20, 1 << 20, 0);

    private KnownData() {
    }

    /** Writes the patterns through {@code uri} (a writable export of a VDI of {@link #SIZE} bytes). */
    public static CommandResult write(String uri) {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        for (Region r : WRITTEN) {
            cmd.add("-c");
            cmd.add(r.command("write"));
        }
        cmd.add("-c");
        cmd.add("flush");
        cmd.add(uri);
        return ExternalCommand.of(cmd).run();
    }

    /** Reads every region through {@code uri} (read-only) and compares it; the result fails on any difference. */
    public static CommandResult verify(String uri, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of("qemu-io", "-f", "raw", "-r"));
        for (Region r : WRITTEN) {
            cmd.add("-c");
            cmd.add(r.command("read"));
        }
        cmd.add("-c");
        cmd.add(NEVER_WRITTEN.command("read"));
        cmd.add(uri);
        return ExternalCommand.of(cmd).timeout(timeout).run();
    }

    /** Whether a {@link #verify} result says every region matched. */
    public static boolean matched(CommandResult r) {
        // qemu-io exits 0 even when a pattern differs; it then prints "Pattern verification failed".
        return r.succeeded() && !r.output().contains("failed") && !r.output().contains("error");
    }
}
