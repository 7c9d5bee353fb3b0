package io.sheepdog.collie.vm;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.Sizes;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.client.SheepClient;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code collie vm list}: every working VDI in Sheepdog's collie table, running on the host that holds its write
 * lock:
 * <pre>
 * Name            |Vdi size |Allocated| Shared  | Status
 * ----------------+---------+---------+---------+------------
 * alice           |    10 GB|   4.0 MB|   0.0 MB| running on 10.0.0.5
 * bob             |    10 GB|   0.0 MB|   4.0 MB| not running
 * </pre>
 * A shared VDI, whose writers take no lock, shows as "shared".
 */
@Command(name = "list", description = "Lists the working VDIs: their size, and the host running each attached one.")
public final class VmListCommand extends CollieCommand {

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        Map<String, VdiLockInfo> locks = sheep.locks().stream()
                .collect(Collectors.toMap(VdiLockInfo::vdi, Function.identity(), (a, b) -> a));
        io.out().println("Name            |Vdi size |Allocated| Shared  | Status");
        io.out().println("----------------+---------+---------+---------+------------");
        for (VdiInfo v : sheep.list()) {
            if (v.snapshotId() != 0) {
                continue;
            }
            VdiLockInfo l = locks.get(v.name());
            String status = l == null ? "not running" : l.shared() ? "shared" : "running on " + l.client();
            io.out().printf("%-16s|%9s|%9s|%9s| %s%n", v.name(), Sizes.human(v.size()), Sizes.human(v.usedBytes()),
                    Sizes.human(v.sharedBytes()), status);
        }
        return ExitCodes.SUCCESS;
    }
}
