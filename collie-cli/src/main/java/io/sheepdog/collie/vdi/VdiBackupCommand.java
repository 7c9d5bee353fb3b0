package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.ProgressBar;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.client.SheepClient;
import java.io.BufferedOutputStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi backup [-F FROM] -s TO NAME > FILE}: the blocks in which snapshot TO differs from snapshot FROM
 * (every allocated block without -F), in the {@link BackupStream} format, as {@code dog vdi backup} writes them. The
 * reading and comparing is {@link SnapshotDiff}'s, {@link VdiTransfer#DEFAULT_WINDOW} objects at a time. A progress
 * bar with the rate is drawn on stderr when it is a terminal; nothing is printed otherwise.
 */
@Command(name = "backup", description = {
    "Writes an incremental backup of a snapshot to stdout.",
    "The backup holds the blocks in which snapshot TO of the VDI differs from snapshot FROM (all data of TO without",
    "-F); 'collie vdi restore' applies it. Shows progress on stderr on a terminal."})
public final class VdiBackupCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI.")
    private String name;

    @Option(names = {"-s", "--snapshot"}, paramLabel = "TO", required = true, converter = SnapshotRefConverter.class,
            description = "The snapshot to back up (tag or number).")
    private SnapshotRef to;

    @Option(names = {"-F", "--from"}, paramLabel = "FROM", converter = SnapshotRefConverter.class,
            description = "The earlier snapshot the backup is relative to.")
    private SnapshotRef from;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo target = snapshot(sheep, name, to);
        VdiInfo base = from == null ? null : snapshot(sheep, name, from);
        SnapshotDiff.Side toSide = new SnapshotDiff.Side(target.vid(), sheep.objectMap(target.vid()));
        SnapshotDiff.Side fromSide = base == null ? new SnapshotDiff.Side(0, new int[0])
                : new SnapshotDiff.Side(base.vid(), sheep.objectMap(base.vid()));
        List<Integer> changed = SnapshotDiff.changed(toSide, fromSide);
        io.out().flush();
        BufferedOutputStream out = new BufferedOutputStream(io.data(), 1 << 20);
        BackupStream.Writer w = new BackupStream.Writer(out, target.size());
        ProgressBar bar = ProgressBar.ofBytes(io.err(), io.terminal(), ProgressBar.Plain.SILENT, System::nanoTime);
        new SnapshotDiff(sheep, VdiTransfer.DEFAULT_WINDOW).write(toSide, fromSide, target.size(), changed, w,
                bar::update);
        w.end();
        bar.finish();
        return ExitCodes.SUCCESS;
    }

    /** The snapshot {@code ref} of {@code name} as the list shows it; NO_VDI if there is none. */
    static VdiInfo snapshot(VdiOps sheep, String name, SnapshotRef ref) throws SheepException {
        return sheep.list().stream().filter(v -> v.name().equals(name) && v.snapshotId() != 0
                && (ref.tag().isEmpty() ? v.snapshotId() == ref.id() : v.tag().equals(ref.tag())))
                .findFirst().orElseThrow(() -> new SheepException(ResultCode.NO_VDI,
                        "VDI " + name + " has no snapshot " + ref));
    }
}
