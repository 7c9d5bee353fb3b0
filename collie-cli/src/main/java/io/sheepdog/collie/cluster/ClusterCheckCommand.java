package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.check.CheckCommands;
import io.sheepdog.collie.check.CheckOptions;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code collie cluster check}: {@code vdi check} over every VDI of the cluster. */
@Command(name = "check", description = {
        "Compares the replicas of every object of every VDI and repairs the missing, damaged, stale or divergent "
                + "ones from a good copy (as 'vdi check' does for one VDI).",
        "Shows progress on stderr (a bar on a terminal, a line per tenth otherwise), then a summary on stdout. A "
                + "replica that does not answer is reported as unreachable once the sheep gives up on it (within 60 s).",
        "Exits 0 if every object has all its replicas (repairs included), "
                + "1 if an object has no good replica left or a replica could not be checked (node unreachable)."})
public final class ClusterCheckCommand extends CollieCommand {

    @Mixin
    private CheckOptions options;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        // Every VDI's and snapshot's inode and mapped objects; one shared by several (a clone's parent data) once.
        return CheckCommands.check(sheep, sheep.allObjects(), options, io);
    }
}
