package io.sheepdog.collie.node;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.RefusedNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import io.sheepdog.daemon.client.SheepClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code collie node list}: one line per member, in dog's layout, the answering sheep marked with {@code *}:
 * <pre>
 *   Id   Host:Port         V-Nodes       Zone
 * *  0   127.0.0.1:7000      	128          0
 * </pre>
 * Ids are positions in the list, as in dog; {@code --json} has the 64-bit node ids.
 */
@Command(name = "list", description = "Lists the members of the cluster (* marks the sheep that answered).")
public final class NodeListCommand extends CollieCommand {
    private static final DateTimeFormatter REFUSED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Mixin
    private OutputOptions output;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        OutputOptions.Format format = output.format();
        List<NodeInfo> nodes = sheep.nodes();
        List<RefusedNode> refused = sheep.refusals();
        if (format == OutputOptions.Format.JSON) {
            JsonOutput.print(io.out(), nodes);
        } else {
            print(nodes, format == OutputOptions.Format.RAW, io.out());
        }
        if (!refused.isEmpty() && format != OutputOptions.Format.JSON) {
            // On stderr, so that scripts reading the member table are not confused by it.
            io.err().println("Refused nodes (not members):");
            for (RefusedNode r : refused) {
                io.err().printf("  %s  %s: %s%n",
                        REFUSED_AT.format(Instant.ofEpochMilli(r.atMillis()).atZone(io.zone())), r.node(), r.reason());
            }
        }
        return ExitCodes.SUCCESS;
    }

    static void print(List<NodeInfo> nodes, boolean raw, PrintWriter out) {
        if (!raw) {
            out.println("  Id   Host:Port         V-Nodes       Zone");
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            String host = n.host() + ":" + n.port();
            if (raw) {
                out.printf("%d %s %d %d%n", i, host, n.vnodes(), n.zone());
            } else {
                out.printf("%s%3d   %-20s\t%2d%11d%n", n.self() ? "*" : " ", i, host, n.vnodes(), n.zone());
            }
        }
    }
}
