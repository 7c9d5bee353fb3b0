package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code collie vdi lock list}: every write lock, and every shared VDI:
 * <pre>
 *   VDI              Holder           Node                  Since                Gen  State
 *   alice            10.0.0.5         10.0.0.1:7000         2026-12-04 06:30:00    3  locked
 *   bob              -                -                     -                      -  shared
 * </pre>
 * {@code -r}: {@code alice 10.0.0.5 10.0.0.1:7000 1796020200 3 locked}.
 */
@Command(name = "list", description = "Lists every VDI write lock (holder, node, since) and every shared VDI.")
public final class VdiLockListCommand extends CollieCommand {
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String ROW = "  %-16s %-16s %-21s %-19s %5s  %s%n";

    @Mixin
    private OutputOptions output;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        OutputOptions.Format format = output.format();
        List<VdiLockInfo> locks = sheep.locks();
        if (format == OutputOptions.Format.JSON) {
            JsonOutput.print(io.out(), locks);
            return ExitCodes.SUCCESS;
        }
        boolean raw = format == OutputOptions.Format.RAW;
        if (!raw) {
            io.out().printf(ROW, "VDI", "Holder", "Node", "Since", "Gen", "State");
        }
        for (VdiLockInfo l : locks) {
            String since = l.shared() ? "-" : raw ? Long.toString(l.sinceMillis() / 1000)
                    : SINCE.format(Instant.ofEpochMilli(l.sinceMillis()).atZone(io.zone()));
            String holder = l.shared() ? "-" : l.client();
            String node = l.shared() ? "-" : l.node();
            String gen = l.shared() ? "-" : Long.toString(l.generation());
            if (raw) {
                io.out().printf("%s %s %s %s %s %s%n", VdiListCommand.escape(l.vdi()), holder, node, since, gen,
                        state(l).replace(' ', '_'));
            } else {
                io.out().printf(ROW, l.vdi(), holder, node, since, gen, state(l));
            }
        }
        return ExitCodes.SUCCESS;
    }

    /** "locked", "shared", or the migration under way. */
    static String state(VdiLockInfo l) {
        if (l.shared()) {
            return "shared";
        }
        if (!l.standby().isEmpty()) {
            return "migrating, destination attached: " + l.standby();
        }
        return l.migrateTo().isEmpty() ? "locked" : "migrating to node " + l.migrateTo();
    }
}
