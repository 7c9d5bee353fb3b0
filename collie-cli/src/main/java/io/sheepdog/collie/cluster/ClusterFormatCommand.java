package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.membership.meta.Redundancy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code collie cluster format [--copies N] [--strict] [--force]}: formats the cluster; prints nothing. */
@Command(name = "format", description = {
    "Formats the cluster: sets the default number of copies and starts epoch 1.",
    "A formatted cluster is only formatted again with --force, which discards every VDI."})
public final class ClusterFormatCommand extends CollieCommand {

    @Option(names = {"-c", "--copies"}, paramLabel = "N", defaultValue = "3",
            description = "Copies of every object (1-" + Redundancy.MAX_COPIES + ", default: ${DEFAULT-VALUE}).")
    private int copies;

    @Option(names = {"-t", "--strict"},
            description = "Refuse writes while fewer zones than copies are up.")
    private boolean strict;

    @Option(names = {"-f", "--force"}, description = "Format even if the cluster is formatted already.")
    private boolean force;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        Redundancy redundancy;
        try {
            redundancy = Redundancy.replicas(copies);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage(), e);
        }
        sheep.format(redundancy.copies(), strict, force);
        return ExitCodes.SUCCESS;
    }
}
