package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code collie vdi flatten NAME}: a clone (or a snapshot's working VDI) stops depending on its snapshot. */
@Command(name = "flatten", description = {
    "Copies what the VDI shares with its snapshot, so it no longer depends on it.",
    "Every shared object is copied into the VDI's own objects inside the cluster; the snapshot can then be deleted",
    "and its space freed. Takes as long as the copy."})
public final class VdiFlattenCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI to flatten.")
    private String name;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        sheep.flatten(name);
        return ExitCodes.SUCCESS;
    }
}
