package io.sheepdog.nbd;

import java.util.List;
import java.util.Optional;

/** Resolves export names to block devices. Called on the event loop: must answer without blocking for long. */
public interface ExportProvider {

    /** Opens the export for one connection; empty if there is no such export. */
    Optional<BlockDevice> open(String name) throws BlockDeviceException;

    /** The exports for NBD_OPT_LIST. */
    List<ExportDescription> list();

    /** The metadata contexts the exports offer besides base:allocation; none unless overridden. */
    default MetaContextSource metaContexts() {
        return MetaContextSource.NONE;
    }

    /**
     * An export's name and description.
     *
     * @param name        the export name clients ask for
     * @param description human-readable text for NBD_INFO_DESCRIPTION and NBD_OPT_LIST
     */
    record ExportDescription(String name, String description) {
    }
}
