package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi lock migrate NAME NODE | --cancel NAME}: the first step of a live migration
 * (docs/operations.md, "Live migration").
 */
@Command(name = "migrate", description = {
    "Lets the write lock of a VDI move to a VM attaching through another node: the first step of a live migration.",
    "The destination (qemu -incoming, attached through NODE) may then attach; it takes the lock over with its",
    "first write, or when the source detaches, and from then on the source cannot write."})
public final class VdiLockMigrateCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NODE",
            description = "The destination's node: its sheep address, HOST:PORT.")
    private String node;

    @Option(names = "--cancel", description = "Cancel a migration that did not happen (the source keeps the lock).")
    private boolean cancel;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        if (cancel == (node != null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "name the destination NODE, or --cancel, not both");
        }
        VdiLockInfo l = sheep.migrateLock(name, cancel ? "" : node);
        io.out().println(cancel ? "VDI " + name + " stays with " + l.client() + " through node " + l.node()
                : "VDI " + name + " may now be attached through node " + node + "; its lock moves there with the "
                + "destination's first write");
        return ExitCodes.SUCCESS;
    }
}
