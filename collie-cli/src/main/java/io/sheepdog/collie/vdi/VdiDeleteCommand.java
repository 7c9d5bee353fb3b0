package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code collie vdi delete [-s TAG|ID] NAME}: deletes a VDI or one of its snapshots; prints nothing. */
@Command(name = "delete", description = {
    "Deletes the VDI (its snapshots stay) or, with -s, one of its snapshots.",
    "VDIs made from a snapshot keep what they share with it; every object no VDI reads any more is freed."})
public final class VdiDeleteCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Option(names = {"-s", "--snapshot"}, paramLabel = "TAG|ID", converter = SnapshotRefConverter.class,
            description = "Delete this snapshot (its tag or its number) instead of the VDI.")
    private SnapshotRef snapshot;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        if (snapshot == null) {
            sheep.delete(name);
        } else {
            sheep.deleteSnapshot(name, snapshot);
        }
        return ExitCodes.SUCCESS;
    }
}
