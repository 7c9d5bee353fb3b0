package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code collie vdi read NAME [OFFSET [LEN]]}: writes the bytes of a VDI to stdout (LEN: to the end of the VDI). */
@Command(name = "read", description = "Writes LEN bytes at OFFSET of a VDI to stdout (default: all of it).")
public final class VdiReadCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OFFSET", converter = SizeConverter.class,
            description = "Where to start, in bytes (suffixes K, M, G allowed; default 0).")
    private Long offset;

    @Parameters(index = "2", arity = "0..1", paramLabel = "LEN", converter = SizeConverter.class,
            description = "How many bytes (default: up to the end of the VDI).")
    private Long length;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo vdi = sheep.lookup(name);
        long start = offset == null ? 0 : offset;
        if (start > vdi.size()) {
            throw new CollieException(ExitCodes.FAILURE, "read offset " + start + " is beyond the end of VDI "
                    + name + " (" + vdi.size() + " bytes)");
        }
        long len = length == null ? vdi.size() - start : length;
        if (len > vdi.size() - start) {
            throw new CollieException(ExitCodes.FAILURE, "cannot read " + len + " bytes at offset " + start
                    + ": VDI " + name + " ends at " + vdi.size());
        }
        io.out().flush();
        new VdiTransfer(sheep, VdiTransfer.DEFAULT_WINDOW).read(vdi.vid(), start, len, io.data());
        io.data().flush();
        return ExitCodes.SUCCESS;
    }
}
