package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.Confirmation;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi lock unlock NAME [--force]}: breaks a stale write lock after asking. Breaks exactly the lock it
 * showed: if the lock changed hands meanwhile, nothing is broken (NO_LOCK, exit 5).
 */
@Command(name = "unlock", description = {
    "Breaks the write lock of a VDI after asking for confirmation (--force: without asking).",
    "The client that held it cannot write any more; use it for a holder that is gone for good. A lock whose",
    "node died is released by the cluster on its own."})
public final class VdiLockUnlockCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
    private boolean force;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        VdiLockInfo lock = sheep.locks().stream().filter(l -> l.vdi().equals(name) && !l.shared()).findFirst()
                .orElseThrow(() -> new CollieException(ExitCodes.NOT_FOUND, "VDI " + name + " is not locked"));
        if (!force) {
            Confirmation.require(io, "VDI " + name + " is locked by " + lock.client() + " through node "
                    + lock.node() + ".", "Breaking the lock stops that client's writes; if it is still running, "
                    + "its guest sees I/O errors.");
        }
        sheep.unlock(name, lock.generation());
        return ExitCodes.SUCCESS;
    }
}
