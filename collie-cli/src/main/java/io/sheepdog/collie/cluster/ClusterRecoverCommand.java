package io.sheepdog.collie.cluster;

import picocli.CommandLine.Command;

/** {@code collie cluster recover}: what an operator does about nodes that do not come back; its verbs do the work. */
@Command(name = "recover", description = "Deals with nodes of the last epoch that do not come back after a restart.",
        subcommands = {ClusterRecoverForceCommand.class})
public final class ClusterRecoverCommand {
}
