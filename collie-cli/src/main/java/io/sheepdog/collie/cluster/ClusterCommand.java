package io.sheepdog.collie.cluster;

import io.sheepdog.collie.key.ClusterKeygenCommand;
import picocli.CommandLine.Command;

/** The {@code cluster} noun; its verbs do the work. */
@Command(name = "cluster",
        description = "Format the cluster, show its state, shut it down, force recovery, simulate placement, check "
            + "every object's replicas.",
        subcommands = {ClusterFormatCommand.class, ClusterInfoCommand.class, ClusterShutdownCommand.class,
            ClusterRecoverCommand.class, ClusterSimulateCommand.class, ClusterCheckCommand.class,
            ClusterKeygenCommand.class})
public final class ClusterCommand {
}
