package io.sheepdog.collie.cluster;

import picocli.CommandLine.Command;

/** The {@code cluster} noun; its verbs do the work. */
@Command(name = "cluster", description = "Format the cluster and show its state.",
        subcommands = {ClusterFormatCommand.class, ClusterInfoCommand.class})
public final class ClusterCommand {
}
