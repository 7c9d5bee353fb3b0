package io.sheepdog.nbd;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Resolves export names to block devices. Called on the event loop: {@link #list} must answer without blocking for
 * long. The server opens exports only through the futures of {@link #openAsync} and {@link #attach}; their defaults
 * call {@link #open} on the event loop, so a provider whose lookups may wait (a remote table, a lock) overrides
 * both and answers them from another thread.
 */
public interface ExportProvider {

    /**
     * Opens the export to describe it (NBD_OPT_INFO): the server closes the device right after answering. Also what
     * the default {@link #attach} opens for transmission.
     *
     * @return the device, or empty if there is no such export
     * @throws BlockDeviceException if the export exists but cannot be opened; its error chooses the option reply
     */
    Optional<BlockDevice> open(String name) throws BlockDeviceException;

    /**
     * {@link #open} as a future, which may complete on any thread; what NBD_OPT_INFO uses. The server reads no
     * further options from the client meanwhile and closes the device when it has described it (or at once, if the
     * client went away). The default completes with {@link #open} on the calling thread, failing with anything it
     * throws.
     */
    default CompletableFuture<Optional<BlockDevice>> openAsync(String name) {
        try {
            return CompletableFuture.completedFuture(open(name));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Opens the export for transmission on one connection (NBD_OPT_GO, NBD_OPT_EXPORT_NAME). This may take time
     * (taking a lock another client holds, say) and the future may complete on any thread; the server reads no
     * further options from that client meanwhile. The server closes the device it gets when the connection ends,
     * also if the client went away before the future completed.
     *
     * <p>A future failed with a {@link BlockDeviceException} of {@link NbdError#EPERM} refuses the client by policy
     * (NBD_REP_ERR_POLICY with the exception's message); other failures are answered as {@link #open} failures are.
     * The default is {@link #openAsync(String, NbdClient)}.
     *
     * @param name   the export the client asked for
     * @param client who is asking
     * @return the device, or empty if there is no such export
     */
    /**
     * {@link #openAsync(String)} for {@code client} (NBD_OPT_INFO): empty for an export the client may not use, as
     * for one that does not exist. The default ignores the client.
     */
    default CompletableFuture<Optional<BlockDevice>> openAsync(String name, NbdClient client) {
        return openAsync(name);
    }

    default CompletableFuture<Optional<BlockDevice>> attach(String name, NbdClient client) {
        return openAsync(name, client);
    }

    /** The exports for NBD_OPT_LIST. */
    List<ExportDescription> list();

    /**
     * The exports {@code client} may see, for NBD_OPT_LIST; a provider that ties access to the client's TLS
     * certificate lists only what it would open. The default is {@link #list()}.
     */
    default List<ExportDescription> list(NbdClient client) {
        return list();
    }

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
