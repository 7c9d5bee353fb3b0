package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code collie cluster shutdown [--wait SECONDS]}: stops every daemon of the cluster cleanly, then waits until none
 * of the members answers any more, naming each as it goes. The nodes leaving start no epoch: started again (in any
 * order), the cluster comes back as it was.
 */
@Command(name = "shutdown", description = {
    "Stops every sheep of the cluster cleanly (stores flushed and closed, processes exit 0).",
    "The nodes leaving start no new epoch: when all of them are started again, in any order, the cluster",
    "resumes with the same epoch and data. Waits until no member answers any more."})
public final class ClusterShutdownCommand extends CollieCommand {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final long POLL_MILLIS = 200;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the daemons to stop (default: ${DEFAULT-VALUE}).")
    private int waitSeconds;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        if (waitSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--wait must be at least 1 second, got " + waitSeconds);
        }
        List<String> members = new ArrayList<>(sheep.nodes().stream().map(n -> n.host() + ":" + n.port()).toList());
        io.out().println("Shutting down " + members.size() + " node" + (members.size() == 1 ? "" : "s") + ": "
                + String.join(", ", members));
        io.out().flush();
        try {
            sheep.shutdown();
        } catch (SheepException e) {
            // The answering sheep may have stopped before its answer left; whether all stopped is checked below.
            if (e.result() != ResultCode.NETWORK_ERROR) {
                throw e;
            }
            io.err().println("collie: no answer from " + sheep.peer() + " (" + e.getMessage()
                    + "); checking whether the nodes stop");
        }
        awaitStopped(members, io);
        io.out().println("Cluster shut down: every node stopped.");
        return ExitCodes.SUCCESS;
    }

    private void awaitStopped(List<String> members, CollieIo io) throws CollieException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        List<String> running = new ArrayList<>(members);
        while (true) {
            for (String m : List.copyOf(running)) {
                if (!answers(m)) {
                    running.remove(m);
                    io.out().println("  " + m + " stopped");
                    io.out().flush();
                }
            }
            if (running.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new CollieException(ExitCodes.FAILURE, "after " + waitSeconds + " s these nodes still answer: "
                        + String.join(", ", running) + " (see their logs; 'kill -TERM' stops a sheep cleanly)");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Whether the sheep at "host:port" still takes a connection and answers. */
    private boolean answers(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try (SheepClient c = collie().connect(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1)), PROBE_TIMEOUT)) {
            c.info();
            return true;
        } catch (SheepException e) {
            return e.result() != ResultCode.NETWORK_ERROR;
        }
    }
}
