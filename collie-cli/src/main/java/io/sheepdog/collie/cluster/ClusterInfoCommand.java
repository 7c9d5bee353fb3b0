package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code collie cluster info}: the cluster's status, creation time and epoch history, as dog prints them:
 * <pre>
 * Cluster status: running
 *
 * Cluster created at Fri Jan  2 03:04:05 2026
 *
 * Epoch Time           Version
 * 2026-01-02 03:04:05      1 [127.0.0.1:7000]
 * </pre>
 */
@Command(name = "info", description = "Shows the cluster's status and epoch history.")
public final class ClusterInfoCommand extends CollieCommand {

    /** C's ctime(3) layout. */
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter EPOCH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Mixin
    private OutputOptions output;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        OutputOptions.Format format = output.format();
        ClusterInfo info = sheep.info();
        if (format == OutputOptions.Format.JSON) {
            JsonOutput.print(io.out(), info);
        } else {
            print(info, format == OutputOptions.Format.RAW, io.zone(), io.out());
        }
        return ExitCodes.SUCCESS;
    }

    static void print(ClusterInfo info, boolean raw, ZoneId zone, PrintWriter out) {
        out.println((raw ? "" : "Cluster status: ") + describeStatus(info.status()));
        if (info.formatted() && !raw) {
            out.println();
            out.println("Cluster created at " + CTIME.format(Instant.ofEpochMilli(info.createdMillis()).atZone(zone)));
            out.println();
            out.println("Epoch Time           Version");
        }
        for (EpochInfo e : info.epochs()) {
            String time = raw ? Long.toString(e.startMillis() / 1000)
                    : EPOCH_TIME.format(Instant.ofEpochMilli(e.startMillis()).atZone(zone));
            out.printf(raw ? "%s %d [%s]%n" : "%s %6d [%s]%n", time, e.epoch(), String.join(", ", e.nodes()));
        }
        if (!raw) {
            for (String note : info.notes()) {
                out.println("Note: " + note);
            }
        }
    }

    /** dog's words for the cluster states. */
    static String describeStatus(String status) {
        switch (status) {
            case "running":
                // dog adds ", auto-recovery enabled"; this cluster does not recover objects yet, so it does not.
                return "running";
            case "waiting for format":
                return "Waiting for cluster to be formatted";
            case "waiting for nodes":
                return "Waiting for other nodes to join cluster";
            case "shutting down":
                return "System is shutting down";
            default:
                return status;
        }
    }
}
