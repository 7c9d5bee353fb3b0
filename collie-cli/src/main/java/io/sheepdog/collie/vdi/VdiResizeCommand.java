package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code collie vdi resize [--force] NAME SIZE}: grows a VDI, or with --force shrinks it; prints nothing. */
@Command(name = "resize", description = {
    "Changes the size of a VDI (suffixes K, M, G, T, P).",
    "An attached NBD client sees the new size when it connects again. Shrinking deletes the data past the new end",
    "and needs --force."})
public final class VdiResizeCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI to resize.")
    private String name;

    @Parameters(index = "1", paramLabel = "SIZE", converter = SizeConverter.class, description = "The new size.")
    private long size;

    @Option(names = {"-f", "--force"}, description = "Allow shrinking (the data past SIZE is deleted).")
    private boolean force;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        sheep.resize(name, size, force);
        return ExitCodes.SUCCESS;
    }
}
