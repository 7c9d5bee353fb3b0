package io.sheepdog.collie.vdi;

import io.sheepdog.collie.CollieCommand;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.daemon.client.SheepClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code collie vdi lock mode NAME exclusive|shared}: whether a VDI's writers take its lock. */
@Command(name = "mode", description = {
    "Makes a VDI exclusive (the default: one writer at a time) or shared (writers take no lock: only for cluster",
    "file systems such as OCFS2 and GFS2, or multipath, that coordinate their own writes). Applies to attaches from",
    "now on; a locked VDI cannot be made shared."})
public final class VdiLockModeCommand extends CollieCommand {

    /** The two modes, as typed (lower case). */
    enum Mode {
        EXCLUSIVE, SHARED;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Parameters(index = "0", paramLabel = "NAME", description = "Name of the VDI.")
    private String name;

    @Parameters(index = "1", paramLabel = "MODE", converter = ModeConverter.class,
            description = "exclusive or shared.")
    private Mode mode;

    @Override
    protected int run(SheepClient sheep, CollieIo io) throws Exception {
        sheep.setShared(name, mode == Mode.SHARED);
        return ExitCodes.SUCCESS;
    }

    /** "exclusive" or "shared", with the choices named when it is neither. */
    static final class ModeConverter implements picocli.CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            for (Mode m : Mode.values()) {
                if (m.toString().equals(value)) {
                    return m;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("expected exclusive or shared, not '" + value + "'");
        }
    }
}
