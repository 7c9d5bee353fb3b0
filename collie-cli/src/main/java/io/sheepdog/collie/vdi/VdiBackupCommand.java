package io.sheepdog.collie.vdi;

import io.netty.buffer.ByteBuf;
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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi backup [-F FROM] -s TO NAME > FILE}: the blocks in which snapshot TO differs from snapshot FROM
 * (every allocated block without -F), in the {@link BackupStream} format, as {@code dog vdi backup} writes them. Only
 * objects whose owner differs between the two maps are read; in those, 4 KiB blocks are compared.
 */
@Command(name = "backup", description = {
    "Writes to stdout the blocks in which snapshot TO of the VDI differs from snapshot FROM (all data of TO without",
    "-F): an incremental backup, applied with 'collie vdi restore'. Shows progress on stderr on a terminal."})
public final class VdiBackupCommand extends CollieCommand {
    private static final int BLOCK = 4096;

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
        int[] toMap = sheep.objectMap(target.vid());
        int[] fromMap = base == null ? new int[toMap.length] : sheep.objectMap(base.vid());
        io.out().flush();
        BufferedOutputStream out = new BufferedOutputStream(io.data(), 1 << 20);
        BackupStream.Writer w = new BackupStream.Writer(out, target.size());
        ProgressBar bar = new ProgressBar(io.err(), ProgressBar.isTerminal(), "objects");
        for (int i = 0; i < toMap.length; i++) {
            int owner = toMap[i];
            int before = i < fromMap.length ? fromMap[i] : 0;
            if (owner != before) {
                long at = (long) i * VdiTransfer.OBJECT_SIZE;
                int len = (int) Math.min(VdiTransfer.OBJECT_SIZE, target.size() - at);
                byte[] now = owner == 0 ? new byte[len] : read(sheep, target.vid(), at, len);
                byte[] then = before == 0 || base == null ? new byte[len] : read(sheep, base.vid(), at, len);
                for (int b = 0; b < len; b += BLOCK) {
                    int n = Math.min(BLOCK, len - b);
                    if (!Arrays.equals(now, b, b + n, then, b, b + n)) {
                        if (VdiTransfer.allZero(ByteBuffer.wrap(now, b, n))) {
                            w.zeroes(at + b, n);
                        } else {
                            w.data(at + b, now, b, n);
                        }
                    }
                }
            }
            bar.update(i + 1, toMap.length);
        }
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

    private static byte[] read(SheepClient sheep, int vid, long at, int len) throws SheepException, IOException {
        ByteBuf b = VdiTransfer.await(sheep.read(vid, at, len));
        try {
            byte[] out = new byte[len];
            b.getBytes(b.readerIndex(), out);
            return out;
        } finally {
            b.release();
        }
    }
}
