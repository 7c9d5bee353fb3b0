package io.sheepdog.collie.node;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.JsonOutput;
import io.sheepdog.collie.OutputOptions;
import io.sheepdog.collie.ProgressBar;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code collie node recovery}: the members that are recovering objects, with objects done/total and a percentage,
 * as dog's {@code node recovery} shows them; {@code --watch} draws one progress bar over all of them until no node
 * recovers any more. Every member is asked for its own state.
 */
@Command(name = "recovery", description = {
        "Shows the nodes that are recovering objects after a membership change (objects done/total).",
        "With --watch, shows a progress bar until recovery is done."},
        subcommands = {NodeRecoveryThrottleCommand.class})
public final class NodeRecoveryCommand extends CollieCommand {
    private static final int BAR_WIDTH = ProgressBar.width();

    @Mixin
    private OutputOptions output;

    @Option(names = "--watch", description = "Show a live progress bar until no node is recovering.")
    private boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between updates with --watch (default: ${DEFAULT-VALUE}).")
    private double intervalSeconds;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        if (watch) {
            return watch(sheep, io);
        }
        List<NodeInfo> nodes = sheep.nodes();
        List<RecoveryInfo> states = states(nodes);
        OutputOptions.Format format = output.format();
        if (format == OutputOptions.Format.JSON) {
            JsonOutput.print(io.out(), states);
            return ExitCodes.SUCCESS;
        }
        print(nodes, states, format == OutputOptions.Format.RAW, io.out());
        return ExitCodes.SUCCESS;
    }

    /** Every member's recovery state, in node list order. */
    private List<RecoveryInfo> states(List<NodeInfo> nodes) throws SheepException {
        List<RecoveryInfo> states = new ArrayList<>(nodes.size());
        for (NodeInfo n : nodes) {
            try (SheepClient c = collie().connect(n.host(), n.port())) {
                states.add(c.recovery());
            }
        }
        return states;
    }

    static void print(List<NodeInfo> nodes, List<RecoveryInfo> states, boolean raw, PrintWriter out) {
        if (!raw) {
            out.println("Nodes In Recovery:");
            out.println("  Id   Host:Port         V-Nodes       Zone       Progress");
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo n = nodes.get(i);
            RecoveryInfo r = states.get(i);
            if (!r.inRecovery()) {
                continue;
            }
            String host = n.host() + ":" + n.port();
            String progress = r.state().equals("PREPARING") ? "preparing"
                    : String.format("%d/%d %5.1f%%", r.done() + r.failed(), r.total(), r.percent());
            if (raw) {
                out.printf("%d %s %d %d %d %d %s%n", i, host, n.vnodes(), n.zone(), r.done() + r.failed(), r.total(),
                        r.state());
            } else {
                out.printf("%s%3d   %-20s\t%2d%11d   %s%n", n.self() ? "*" : " ", i, host, n.vnodes(), n.zone(),
                        progress);
            }
        }
    }

    private int watch(SheepClient sheep, CollieIo io) throws Exception {
        PrintWriter out = io.out();
        long sleepMillis = Math.max(100, (long) (intervalSeconds * 1000));
        boolean shown = false;
        while (true) {
            List<RecoveryInfo> states = states(sheep.nodes());
            long done = 0;
            long total = 0;
            int recovering = 0;
            for (RecoveryInfo r : states) {
                if (r.inRecovery()) {
                    recovering++;
                    done += r.done() + r.failed();
                    total += r.total();
                }
            }
            if (recovering == 0) {
                out.println(shown ? "\rrecovery done" + " ".repeat(BAR_WIDTH + 40) : "No node is recovering.");
                out.flush();
                return ExitCodes.SUCCESS;
            }
            out.print("\r" + bar(done, total) + String.format(" %d/%d objects, %d node%s recovering", done, total,
                    recovering, recovering == 1 ? "" : "s"));
            out.flush();
            shown = true;
            Thread.sleep(sleepMillis);
        }
    }

    /** A text progress bar such as {@code [#######...........]  35.0%} ({@link ProgressBar#bar}). */
    static String bar(long done, long total) {
        return ProgressBar.bar(done, total);
    }
}
