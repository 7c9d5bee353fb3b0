package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code collie vdi tree}: every VDI name with its snapshots in order, as Sheepdog 1.0's {@code dog vdi tree} draws
 * them: one line per name, a snapshot as the time it was taken, the working VDI as {@code (you are here)}. A clone
 * is a name of its own (its line starts at the clone), also as dog draws it; lines come in VDI id order.
 * <pre>
 * bob---(you are here)
 * alice---[2026-11-22 22:19]---[2026-11-22 22:19]---(you are here)
 * </pre>
 */
@Command(name = "tree", description = "Shows every VDI with its snapshots, oldest first.")
public final class VdiTreeCommand extends CollieCommand {

    private static final DateTimeFormatter TAKEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        print(sheep.list(), io.zone(), io.out());
        return ExitCodes.SUCCESS;
    }

    static void print(List<VdiInfo> vdis, ZoneId zone, PrintWriter out) {
        Map<String, List<VdiInfo>> byName = vdis.stream().collect(Collectors.groupingBy(VdiInfo::name, TreeMap::new,
                Collectors.toList()));
        byName.values().stream()
                .sorted(Comparator.comparingInt(group -> group.stream().mapToInt(VdiInfo::vid).min().orElse(0)))
                .forEach(group -> out.println(line(group, zone)));
    }

    private static String line(List<VdiInfo> group, ZoneId zone) {
        StringBuilder sb = new StringBuilder(group.get(0).name());
        group.stream().filter(v -> v.snapshotId() != 0).sorted(Comparator.comparingInt(VdiInfo::snapshotId))
                .forEach(s -> sb.append("---[").append(TAKEN.format(Instant.ofEpochMilli(taken(s, group))
                        .atZone(zone))).append(']'));
        if (group.stream().anyMatch(v -> v.snapshotId() == 0)) {
            sb.append("---(you are here)");
        }
        return sb.toString();
    }

    /** When {@code snapshot} was taken: when its name's next VDI (the child made at that moment) was created. */
    private static long taken(VdiInfo snapshot, List<VdiInfo> group) {
        return group.stream().filter(v -> v.parentVid() == snapshot.vid()).mapToLong(VdiInfo::createdMillis).min()
                .orElse(snapshot.createdMillis());
    }
}
