package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code collie vdi read NAME [OFFSET [LEN]]}: writes the bytes of a VDI to stdout (LEN: to the end of the VDI). */
@Command(name = "read", description = "Writes LEN bytes at OFFSET of a VDI to stdout (default: all of it).")
public final class VdiReadCommand extends CollieCommand {

    @Mixin
    private VdiRange range;

    @Parameters(index = "2", arity = "0..1", paramLabel = "LEN", converter = SizeConverter.class,
            description = "How many bytes (default: up to the end of the VDI).")
    private Long length;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo vdi = range.lookup(sheep, "read", length);
        long start = range.start();
        long len = length == null ? vdi.size() - start : length;
        io.out().flush();
        new VdiTransfer(sheep, VdiTransfer.DEFAULT_WINDOW).read(vdi.vid(), start, len, io.data());
        io.data().flush();
        return ExitCodes.SUCCESS;
    }
}
