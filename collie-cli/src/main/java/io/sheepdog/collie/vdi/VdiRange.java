package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.SizeConverter;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Parameters;

/**
 * The VDI and the offset that {@code vdi read} and {@code vdi write} work at: {@code NAME [OFFSET]}, the first two
 * positional parameters (each command adds its own LEN as the third).
 */
public final class VdiRange {
    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OFFSET", converter = SizeConverter.class,
            description = "Where to start, in bytes (suffixes K, M, G allowed; default 0).")
    private Long offset;

    String name() {
        return name;
    }

    /** OFFSET, 0 if not given. */
    long start() {
        return offset == null ? 0 : offset;
    }

    /**
     * Looks the VDI up and checks the range: OFFSET must lie within the VDI and, if {@code length} is given, the
     * range must end within it.
     *
     * @param verb "read" or "write", for the messages
     */
    VdiInfo lookup(SheepClient sheep, String verb, Long length) throws SheepException, CollieException {
        VdiInfo vdi = sheep.lookup(name);
        long start = start();
        if (start > vdi.size()) {
            throw new CollieException(ExitCodes.FAILURE, verb + " offset " + start + " is beyond the end of VDI "
                    + name + " (" + vdi.size() + " bytes)");
        }
        if (length != null && length > vdi.size() - start) {
            throw new CollieException(ExitCodes.FAILURE, "cannot " + verb + " " + length + " bytes at offset "
                    + start + ": VDI " + name + " ends at " + vdi.size());
        }
        return vdi;
    }
}
