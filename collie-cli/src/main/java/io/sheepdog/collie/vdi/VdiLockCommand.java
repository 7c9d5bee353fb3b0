package io.sheepdog.collie.vdi;

import picocli.CommandLine.Command;

/** {@code collie vdi lock ...}: the write locks that keep a VDI to one writer (docs/operations.md, "Attach locks"). */
@Command(name = "lock", description = "Shows and manages the write locks that keep each VDI to one writer.",
        subcommands = {VdiLockListCommand.class, VdiLockUnlockCommand.class, VdiLockMigrateCommand.class,
            VdiLockModeCommand.class})
public final class VdiLockCommand {
}
