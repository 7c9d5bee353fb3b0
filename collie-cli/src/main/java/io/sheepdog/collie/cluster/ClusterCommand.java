package io.sheepdog.collie.cluster;

import picocli.CommandLine.Command;

/** The {@code cluster} noun; its verbs do the work. */
@Command(name = "cluster", description = "Format the cluster, show its state, simulate placement.",
        subcommands = {ClusterFormatCommand.class, ClusterInfoCommand.class, ClusterSimulateCommand.class})
public final class ClusterCommand {
}
