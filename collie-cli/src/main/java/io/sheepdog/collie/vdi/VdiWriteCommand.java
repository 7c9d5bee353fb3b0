package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi write NAME [OFFSET [LEN]]}: copies stdin into a VDI (LEN: until stdin ends), then flushes.
 * Writes past the end of the VDI are refused: up front when LEN says so, or as soon as stdin turns out longer than the
 * space left (what fits has been written by then).
 */
@Command(name = "write", description = "Copies stdin to a VDI at OFFSET (default 0), LEN bytes or until stdin ends.")
public final class VdiWriteCommand extends CollieCommand {

    @Mixin
    private VdiRange range;

    @Parameters(index = "2", arity = "0..1", paramLabel = "LEN", converter = SizeConverter.class,
            description = "How many bytes to take from stdin (default: all of it).")
    private Long length;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo vdi = range.lookup(sheep, "write", length);
        long start = range.start();
        long room = vdi.size() - start;
        long limit = length == null ? room : length;
        long written = new VdiTransfer(sheep, VdiTransfer.DEFAULT_WINDOW).write(vdi.vid(), start, limit, io.in());
        VdiTransfer.await(sheep.flush(vdi.vid()));
        if (length != null && written < length) {
            throw new CollieException(ExitCodes.FAILURE, "stdin ended after " + written + " of " + length
                    + " bytes (written at offset " + start + ")");
        }
        if (length == null && written == room && io.in().read() != -1) {
            throw new CollieException(ExitCodes.FAILURE, "stdin is longer than the " + room
                    + " bytes from offset " + start + " to the end of VDI " + range.name() + "; the first " + room
                    + " bytes were written");
        }
        return ExitCodes.SUCCESS;
    }
}
