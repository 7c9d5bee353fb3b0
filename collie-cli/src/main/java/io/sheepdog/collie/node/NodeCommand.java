package io.sheepdog.collie.node;

import picocli.CommandLine.Command;

/** The {@code node} noun; its verbs do the work. */
@Command(name = "node", description = "Show the members of the cluster and their recovery.",
        subcommands = {NodeListCommand.class, NodeInfoCommand.class, NodeRecoveryCommand.class})
public final class NodeCommand {
}
