package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.store.ObjectId;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code collie vdi object map NAME}: which VDI owns each allocated object of the VDI, as {@code dog vdi object map}
 * prints it: the VDI itself, or the ancestor (snapshot) it still shares the object with.
 * <pre>
 * Index       VID
 * 00000000   a03907
 * </pre>
 */
@Command(name = "map", description = "Shows, per allocated object of the VDI, the id of the VDI owning it.")
public final class VdiObjectMapCommand extends CollieCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The VDI.")
    private String name;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        List<Long> oids = sheep.objects(name);
        io.out().println("Index       VID");
        for (long oid : oids) {
            if (ObjectId.isData(oid)) {
                io.out().printf("%08x   %06x%n", ObjectId.index(oid), ObjectId.vid(oid));
            }
        }
        return ExitCodes.SUCCESS;
    }
}
