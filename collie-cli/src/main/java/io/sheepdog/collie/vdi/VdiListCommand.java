package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.collie.Sizes;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi list [NAME]}: the VDIs in dog's layout; the first column marks snapshots {@code s} and clones
 * {@code c}:
 * <pre>
 *   Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag
 *   alpha        0   40 GB  4.0 MB  0.0 MB 2026-01-02 03:04   7c2b25      3
 * </pre>
 * With {@code -r} ({@code =} marks working VDIs): {@code = alpha 0 42949672960 4194304 0 1767323045 7c2b25 3 }.
 */
@Command(name = "list", description = "Lists the VDIs (or only the one named).")
public final class VdiListCommand extends CollieCommand {

    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Show only this VDI.")
    private String name;

    @Mixin
    private OutputOptions output;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        OutputOptions.Format format = output.format();
        List<VdiInfo> vdis = sheep.list().stream().filter(v -> name == null || name.equals(v.name())).toList();
        if (format == OutputOptions.Format.JSON) {
            JsonOutput.print(io.out(), vdis);
        } else {
            print(vdis, format == OutputOptions.Format.RAW, io.zone(), io.out());
        }
        return ExitCodes.SUCCESS;
    }

    static void print(List<VdiInfo> vdis, boolean raw, ZoneId zone, PrintWriter out) {
        if (!raw) {
            out.println("  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag");
        }
        for (VdiInfo v : vdis) {
            if (raw) {
                out.printf("%c %s %d %d %d %d %d %x %d %s%n", marker(v, '='), escape(v.name()), v.snapshotId(),
                        v.size(), v.usedBytes(), v.sharedBytes(), v.createdMillis() / 1000, v.vid(), v.copies(),
                        v.tag());
            } else {
                out.printf("%c %-8s %5d %7s %7s %7s %s  %7x %6d %13s%n", marker(v, ' '), v.name(), v.snapshotId(),
                        Sizes.human(v.size()), Sizes.human(v.usedBytes()), Sizes.human(v.sharedBytes()),
                        CREATED.format(Instant.ofEpochMilli(v.createdMillis()).atZone(zone)), v.vid(), v.copies(),
                        v.tag());
            }
        }
    }

    /** 's' for a snapshot, 'c' for a clone, else {@code working}. */
    private static char marker(VdiInfo v, char working) {
        if (v.snapshotId() != 0) {
            return 's';
        }
        return v.cloned() ? 'c' : working;
    }

    /** Raw output is split on spaces: escape whitespace and backslashes in names, as dog does. */
    static String escape(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
