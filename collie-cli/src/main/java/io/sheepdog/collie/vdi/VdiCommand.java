package io.sheepdog.collie.vdi;

import picocli.CommandLine.Command;

/** The {@code vdi} noun; its verbs do the work. */
@Command(name = "vdi", description = "Create, list, delete, read and write virtual disk images.",
        subcommands = {VdiCreateCommand.class, VdiListCommand.class, VdiDeleteCommand.class, VdiReadCommand.class,
            VdiWriteCommand.class})
public final class VdiCommand {
}
