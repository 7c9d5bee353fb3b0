package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi snapshot [-s TAG] NAME}: the VDI's content becomes a read-only snapshot, at once (no data is
 * copied), and NAME stays writable; prints nothing unless -v, as dog.
 */
@Command(name = "snapshot", description = {
    "Takes a read-only snapshot of the VDI's current content; NAME stays writable. Instant: no data is copied.",
    "A snapshot gets the VDI's next number (its id); a tag is optional, unique per VDI and not all digits."})
public final class VdiSnapshotCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI to snapshot.")
    private String name;

    @Option(names = {"-s", "--snapshot"}, paramLabel = "TAG", defaultValue = "",
            description = "Tag of the new snapshot.")
    private String tag;

    @Option(names = {"-v", "--verbose"}, description = "Print the number and id of the new snapshot.")
    private boolean verbose;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo snap = sheep.snapshot(name, tag);
        if (verbose) {
            io.out().printf("snapshot %d of %s (VDI id %x)%s%n", snap.snapshotId(), name, snap.vid(),
                    tag.isEmpty() ? "" : ", tagged " + tag);
        }
        return ExitCodes.SUCCESS;
    }
}
