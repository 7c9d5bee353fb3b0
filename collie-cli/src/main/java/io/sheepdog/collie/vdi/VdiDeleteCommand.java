package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code collie vdi delete NAME}: deletes a VDI and its data; prints nothing. */
@Command(name = "delete", description = "Deletes a VDI and all its data.")
public final class VdiDeleteCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        sheep.delete(name);
        return ExitCodes.SUCCESS;
    }
}
