package io.sheepdog.collie.node;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.collie.Sizes;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code collie node info}: store space per member and in total, and the total virtual size of the VDIs, in dog's
 * tab-separated layout:
 * <pre>
 * Id	Size	Used	Avail	Use%
 *  0	100 GB	1.0 GB	99 GB	  1%
 * Total	100 GB	1.0 GB	99 GB	  1%
 *
 * Total virtual image size	40 GB
 * </pre>
 */
@Command(name = "info", description = "Shows the store space of every member and of the cluster.")
public final class NodeInfoCommand extends CollieCommand {

    @Mixin
    private OutputOptions output;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        OutputOptions.Format format = output.format();
        List<NodeInfo> nodes = sheep.nodes();
        long virtual = totalVirtualSize(sheep);
        if (format == OutputOptions.Format.JSON) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("nodes", nodes);
            doc.put("total", Map.of("capacityBytes", capacity(nodes), "usedBytes", used(nodes),
                    "freeBytes", free(nodes)));
            doc.put("totalVirtualImageSize", virtual);
            JsonOutput.print(io.out(), doc);
        } else {
            print(nodes, virtual, format == OutputOptions.Format.RAW, io.out());
        }
        return ExitCodes.SUCCESS;
    }

    /** Sum of the sizes of the working VDIs (not snapshots), as dog counts it; 0 before format. */
    private static long totalVirtualSize(SheepClient sheep) throws SheepException {
        try {
            return sheep.list().stream().filter(v -> v.snapshotId() == 0).mapToLong(VdiInfo::size).sum();
        } catch (SheepException e) {
            if (e.result() == ResultCode.NOT_FORMATTED) {
                return 0;
            }
            throw e;
        }
    }

    static void print(List<NodeInfo> nodes, long virtualSize, boolean raw, PrintWriter out) {
        if (!raw) {
            out.println("Id\tSize\tUsed\tAvail\tUse%");
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            out.printf(raw ? "%d %s %s %s %d%%%n" : "%2d\t%s\t%s\t%s\t%3d%%%n", i,
                    Sizes.format(n.capacityBytes(), raw), Sizes.format(n.usedBytes(), raw),
                    Sizes.format(n.freeBytes(), raw), percent(n.usedBytes(), n.capacityBytes()));
        }
        long capacity = capacity(nodes);
        long used = used(nodes);
        if (raw) {
            out.printf("Total %d %d %d %d%% %d%n", capacity, used, free(nodes), percent(used, capacity),
                    virtualSize);
        } else {
            out.printf("Total\t%s\t%s\t%s\t%3d%%%n%nTotal virtual image size\t%s%n", Sizes.human(capacity),
                    Sizes.human(used), Sizes.human(free(nodes)), percent(used, capacity), Sizes.human(virtualSize));
        }
    }

    private static int percent(long used, long capacity) {
        return capacity == 0 ? 0 : (int) ((double) used / capacity * 100);
    }

    private static long capacity(List<NodeInfo> nodes) {
        return nodes.stream().mapToLong(NodeInfo::capacityBytes).sum();
    }

    private static long used(List<NodeInfo> nodes) {
        return nodes.stream().mapToLong(NodeInfo::usedBytes).sum();
    }

    private static long free(List<NodeInfo> nodes) {
        return nodes.stream().mapToLong(NodeInfo::freeBytes).sum();
    }
}
