package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
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
 * snapshot TAG if given (the snapshot the backup was taken relative to), as {@code dog vdi restore} does.
 */
@Command(name = "restore", description = {
    "Applies a backup from stdin ('collie vdi backup') to the VDI. With -s the VDI is first rolled back to that",
    "snapshot, the one the backup is relative to. The VDI must be at least as large as the backed-up one."})
public final class VdiRestoreCommand extends CollieCommand {

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
        long records = 0;
        try {
            for (BackupStream.Record r = in.next(); r != null; r = in.next()) {
                ByteBuf data = Unpooled.wrappedBuffer(r.data() != null ? r.data() : new byte[r.length()]);
                try {
                    VdiTransfer.await(sheep.write(vdi.vid(), r.offset(), data, false));
                } finally {
                    data.release();
                }
                records++;
            }
        } catch (IOException e) {
            VdiTransfer.await(sheep.flush(vdi.vid()));
            throw new SheepException(ResultCode.INVALID_PARAMS, e.getMessage() + " (" + records
                    + " records applied before it)", e);
        }
        VdiTransfer.await(sheep.flush(vdi.vid()));
        return ExitCodes.SUCCESS;
    }
}
