package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code collie vdi create NAME SIZE [--copies N]}: creates a thin VDI; prints nothing unless -v. */
@Command(name = "create", description = "Creates a thin-provisioned VDI of SIZE bytes (suffixes K, M, G, T, P).")
public final class VdiCreateCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the new VDI.")
    private String name;

    @Parameters(index = "1", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Virtual size, such as 40G, 512M, 1T or a number of bytes.")
    private long size;

    @Option(names = {"-c", "--copies"}, paramLabel = "N", defaultValue = "0",
            description = "Copies of every object (default: the cluster's).")
    private int copies;

    @Option(names = {"-v", "--verbose"}, description = "Print the id of the new VDI.")
    private boolean verbose;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        if (size <= 0) {
            throw new ParameterException(spec.commandLine(), "SIZE must be at least 1 byte");
        }
        if (copies < 0) {
            throw new ParameterException(spec.commandLine(), "--copies must not be negative");
        }
        VdiInfo created = sheep.create(name, size, copies);
        if (verbose) {
            io.out().printf("VDI ID of newly created VDI: %x%n", created.vid());
        }
        return ExitCodes.SUCCESS;
    }
}
