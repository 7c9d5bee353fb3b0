package io.sheepdog.collie.node;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.collie.Sizes;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code collie node recovery set-throttle}: limits how fast every member copies objects during recovery, so VM
 * I/O keeps most of the disk and network. Objects a request waits for are copied at once regardless.
 */
@Command(name = "set-throttle", description = {
        "Limits recovery on every node: bandwidth per node and objects copied at once.",
        "Objects that a VM request waits for are always copied at once."})
public final class NodeRecoveryThrottleCommand extends CollieCommand {

    @Option(names = {"-b", "--bandwidth"}, paramLabel = "SIZE", converter = SizeConverter.class, required = true,
            description = "Bytes per second per node, such as 50M; 0 for no limit.")
    private long bandwidth;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2",
            description = "Objects copied at once per node, 1 to 64 (default: ${DEFAULT-VALUE}).")
    private int parallel;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        for (NodeInfo n : sheep.nodes()) {
            try (SheepClient c = collie().connect(n.host(), n.port())) {
                c.setRecoveryThrottle(bandwidth, parallel);
            }
            io.out().printf("%s:%d: %s, %d object%s at once%n", n.host(), n.port(),
                    bandwidth == 0 ? "no bandwidth limit" : Sizes.human(bandwidth) + "/s", parallel,
                    parallel == 1 ? "" : "s");
        }
        return ExitCodes.SUCCESS;
    }
}
