package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code collie vdi export NAME FILE}: the VDI as a sparse raw image. */
@Command(name = "export", description = {
    "Writes the VDI NAME to FILE as a raw image (created or replaced).",
    "Zeroes become holes, so the file takes only the space of the data. Shows progress on stderr and the rate at",
    "the end."})
public final class VdiExportCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI.")
    private String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The raw image to write.")
    private Path file;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiInfo vdi = sheep.lookup(name);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            RawImage image = new RawImage(io);
            long written = new VdiTransfer(sheep, VdiTransfer.DEFAULT_WINDOW).exportFile(vdi.vid(), vdi.size(), out,
                    image.progress());
            out.force(false);
            image.finish("exported", vdi.size(), written);
        }
        return ExitCodes.SUCCESS;
    }
}
