package io.sheepdog.collie.cluster;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.check.CheckCommands;
import io.sheepdog.collie.check.CheckOptions;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
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
        // An object shared by several VDIs (a clone's parent data) is checked once.
        Set<Long> oids = new LinkedHashSet<>();
        for (VdiInfo vdi : sheep.list()) {
            if (vdi.snapshotId() == 0) {
                oids.addAll(sheep.objects(vdi.name()));
            }
        }
        return CheckCommands.check(sheep, new ArrayList<>(oids), options, io);
    }
}
