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
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code collie vdi import [-c N] NAME FILE}: a new VDI of FILE's size and content; zeroes are not stored. */
@Command(name = "import", description = {
    "Creates the VDI NAME with the size and content of the raw image FILE.",
    "Blocks of zeroes are not written, so they take no space. Shows progress on stderr and the rate at the end."})
public final class VdiImportCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the new VDI.")
    private String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The raw image to read.")
    private Path file;

    @Option(names = {"-c", "--copies"}, paramLabel = "N", defaultValue = "0",
            description = "Copies of every object (default: the cluster's).")
    private int copies;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size == 0) {
                throw new ParameterException(spec.commandLine(), file + " is empty: a VDI needs at least one byte");
            }
            VdiInfo vdi = sheep.create(name, size, copies);
            RawImage image = new RawImage(io);
            long written = new VdiTransfer(sheep, VdiTransfer.DEFAULT_WINDOW).importFile(vdi.vid(), in, size,
                    image.progress());
            VdiTransfer.await(sheep.flush(vdi.vid()));
            image.finish("imported", size, written);
        }
        return ExitCodes.SUCCESS;
    }
}
