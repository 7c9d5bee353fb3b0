package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.Confirmation;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code collie cluster recover force [--yes]}: a restarted cluster that waits for nodes of its last epoch
 * ({@code cluster info} names them) starts a new epoch with the nodes that are up. Asks for confirmation, as dog
 * does, unless {@code --yes}.
 */
@Command(name = "force", description = {
    "Starts a new epoch with the live nodes when the restarted cluster waits for nodes of its last epoch",
    "that will never come back ('collie cluster info' names them). Try to start those nodes first: data whose",
    "only copies are on them stays unavailable. Refused when the cluster is not waiting for nodes, and when the",
    "live nodes are no majority of the metadata members (then start more of the missing nodes first)."})
public final class ClusterRecoverForceCommand extends CollieCommand {

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    private boolean yes;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        if (!yes) {
            Confirmation.require(io,
                    "Caution: the cluster will start a new epoch with the nodes that are up now, giving up on",
                    "the nodes of the last epoch it waits for ('collie cluster info' names them).");
        }
        EpochInfo e = sheep.recoverForce();
        io.out().println("Recovery forced: epoch " + e.epoch() + " started with " + String.join(", ", e.nodes()));
        return ExitCodes.SUCCESS;
    }
}
