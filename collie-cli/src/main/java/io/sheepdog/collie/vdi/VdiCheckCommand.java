package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.check.CheckCommands;
import io.sheepdog.collie.check.CheckOptions;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code collie vdi check NAME}: compares the replicas of every object of one VDI and repairs the bad ones. */
@Command(name = "check", description = {
        "Compares the replicas of every object of a VDI (its inode and each allocated data object) and repairs the "
                + "missing, damaged, stale or divergent ones from a good copy.",
        "Each replica verifies its checksums where it lies and reports its version and a digest; the newest version "
                + "is the good copy (among equal versions, the content most replicas hold).",
        "Shows progress on stderr (a bar on a terminal, a line per tenth otherwise), then a summary on stdout. A "
                + "replica that does not answer is reported as unreachable once the sheep gives up on it (within 60 s).",
        "Exits 0 if every object has all its replicas (repairs included), "
                + "1 if an object has no good replica left or a replica could not be checked (node unreachable)."})
public final class VdiCheckCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI to check.")
    private String name;

    @Mixin
    private CheckOptions options;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        return CheckCommands.check(sheep, sheep.objects(name), options, io);
    }
}
