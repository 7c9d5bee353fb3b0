package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code collie vdi rollback -s TAG|ID NAME}: NAME returns to a snapshot's content; prints nothing. */
@Command(name = "rollback", description = {
    "Returns the VDI to the content of one of its snapshots; what was written since is deleted.",
    "Detach the VDI first: a client still attached sees its disk change under it."})
public final class VdiRollbackCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI to roll back.")
    private String name;

    @Option(names = {"-s", "--snapshot"}, paramLabel = "TAG|ID", required = true,
            converter = SnapshotRefConverter.class, description = "The snapshot: its tag or its number.")
    private SnapshotRef snapshot;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        sheep.rollback(name, snapshot);
        return ExitCodes.SUCCESS;
    }
}
