package io.sheepdog.nbd;

import java.util.List;

/**
 * The metadata contexts an {@link ExportProvider} offers besides {@code base:allocation}, which the server offers
 * itself (proto.md "Metadata querying", NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT). A context is named
 * {@code namespace:leaf}; a selected context's block status comes from
 * {@link BlockDevice#blockStatus(String, long, long)} of the export's device.
 *
 * <p>The server asks with one query at a time and uses the answer so:
 * <ul>
 *   <li>LIST: every name returned is listed (a query {@code namespace:} or a pattern the source understands may
 *       return many; the empty query, sent for a LIST without queries, asks for every context of the export);</li>
 *   <li>SET: a context is selected only if the query is its full name and the source returns that name for it, so
 *       a source never has contexts selected by a wildcard, and a name it does not know is simply not selected.</li>
 * </ul>
 * Queries in the {@code base:} namespace never reach the source.
 *
 * <p>Called on the event loop during the handshake, like {@link ExportProvider#open}: it must answer without
 * blocking for long.
 */
@FunctionalInterface
public interface MetaContextSource {

    /** Offers nothing beyond base:allocation. */
    MetaContextSource NONE = (exportName, query) -> List.of();

    /**
     * The full names of the contexts of export {@code exportName} that {@code query} matches, without duplicates;
     * empty if the export or the query is unknown.
     */
    List<String> list(String exportName, String query);
}
