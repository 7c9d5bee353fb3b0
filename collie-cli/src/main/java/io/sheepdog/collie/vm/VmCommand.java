package io.sheepdog.collie.vm;

import picocli.CommandLine.Command;

/** The {@code vm} noun: the VDIs as the VMs that use them. */
@Command(name = "vm", description = "Shows which VDIs are attached, and where.", subcommands = VmListCommand.class)
public final class VmCommand {
}
