package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code collie vdi clone -s TAG|ID SRC NEWNAME}: a writable VDI sharing a snapshot's data; prints nothing. */
@Command(name = "clone", description = {
    "Creates the writable VDI NEWNAME from a snapshot of SRC.",
    "Instant: the clone shares the snapshot's data and copies an object only when it first writes it."})
public final class VdiCloneCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "SRC", description = "The VDI whose snapshot is cloned.")
    private String source;

    @Parameters(index = "1", paramLabel = "NEWNAME", description = "Name of the new VDI.")
    private String name;

    @Option(names = {"-s", "--snapshot"}, paramLabel = "TAG|ID", required = true,
            converter = SnapshotRefConverter.class, description = "The snapshot: its tag or its number.")
    private SnapshotRef snapshot;

    @Option(names = {"-v", "--verbose"}, description = "Print the id of the new VDI.")
    private boolean verbose;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo clone = sheep.clone(source, snapshot, name);
        if (verbose) {
            io.out().printf("VDI ID of newly created clone: %x%n", clone.vid());
        }
        return ExitCodes.SUCCESS;
    }
}
