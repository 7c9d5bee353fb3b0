package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.ProgressBar;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi restore [-s TAG] NAME < FILE}: applies a {@link BackupStream} to the VDI, first rolled back to
 * snapshot TAG if given (the snapshot the backup was taken relative to), as {@code dog vdi restore} does. The records
 * go {@link #WINDOW} at a time ({@link BackupApplier}); zero records are discarded. A progress bar with the rate is
 * drawn on stderr when it is a terminal. A damaged or truncated stream fails with exit 64 after the records before
 * the damage are applied and flushed: the VDI is then partly restored, and a restore from the same snapshot with a
 * good stream (-s rolls back first) makes it whole.
 */
@Command(name = "restore", description = {
    "Applies a backup from stdin ('collie vdi backup') to the VDI.",
    "With -s the VDI is first rolled back to that snapshot, the one the backup is relative to. The VDI must be at",
    "least as large as the backed-up one.",
    "Shows progress on stderr on a terminal."})
public final class VdiRestoreCommand extends CollieCommand {
    /** Requests in flight: zero records carry no data, data ones at most an object (16 x 4 MiB). */
    static final int WINDOW = 16;

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI to restore into.")
    private String name;

    @Option(names = {"-s", "--snapshot"}, paramLabel = "TAG|ID", converter = SnapshotRefConverter.class,
            description = "Roll the VDI back to this snapshot first.")
    private SnapshotRef snapshot;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        BackupStream.Reader in;
        try {
            in = new BackupStream.Reader(new BufferedInputStream(io.in(), 1 << 20));
        } catch (IOException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS, e.getMessage(), e);
        }
        if (snapshot != null) {
            sheep.rollback(name, snapshot);
        }
        VdiInfo vdi = sheep.lookup(name);
        if (vdi.size() < in.size()) {
            throw new SheepException(ResultCode.INVALID_PARAMS, "VDI " + name + " has " + vdi.size()
                    + " bytes, the backup " + in.size() + ": resize it first");
        }
        ProgressBar bar = ProgressBar.ofBytes(io.err(), io.terminal(), ProgressBar.Plain.SILENT, System::nanoTime);
        try {
            new BackupApplier(sheep, WINDOW).apply(vdi.vid(), in, bar::update);
        } catch (IOException e) {
            bar.finish();
            VdiTransfer.await(sheep.flush(vdi.vid()));
            throw new SheepException(ResultCode.INVALID_PARAMS, e.getMessage() + " (" + in.records()
                    + " records applied before it; VDI " + name + " is partly restored)", e);
        }
        VdiTransfer.await(sheep.flush(vdi.vid()));
        bar.finish();
        return ExitCodes.SUCCESS;
    }
}
