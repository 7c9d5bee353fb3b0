package io.sheepdog.collie.vdi;

import picocli.CommandLine.Command;

/** The {@code vdi} noun; its verbs do the work. */
@Command(name = "vdi", description = "Create, snapshot, clone, list, read, write, back up and check virtual disk images.",
        subcommands = {VdiCreateCommand.class, VdiListCommand.class, VdiDeleteCommand.class, VdiReadCommand.class,
            VdiWriteCommand.class, VdiCheckCommand.class, VdiSnapshotCommand.class, VdiCloneCommand.class,
            VdiRollbackCommand.class, VdiResizeCommand.class, VdiTreeCommand.class, VdiObjectCommand.class,
            VdiImportCommand.class, VdiExportCommand.class, VdiFlattenCommand.class,
            VdiBackupCommand.class, VdiRestoreCommand.class, VdiLockCommand.class})
public final class VdiCommand {
}
