package io.sheepdog.nbd.server;

import io.sheepdog.nbd.MetaContextSource;
import io.sheepdog.nbd.codec.NbdOption;
import io.sheepdog.nbd.codec.NbdOptionReply;
import io.sheepdog.nbd.codec.NbdOptionReplyType;
import io.sheepdog.nbd.codec.NbdOptionRequest;
import io.sheepdog.nbd.codec.NbdProtocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata context negotiation (proto.md "Metadata querying", NBD_OPT_LIST_META_CONTEXT and
 * NBD_OPT_SET_META_CONTEXT). {@code base:allocation} is the server's own: the query {@code base:} is its wildcard
 * when listing and is ignored when setting. Every other query goes to the export provider's
 * {@link MetaContextSource}: what it returns is listed, and SET selects a context only by its full name. Queries
 * nobody knows are ignored, as the spec asks.
 *
 * <p>Ids: base:allocation is always {@link NbdSession#BASE_ALLOCATION_CONTEXT_ID}; the other contexts a SET selects
 * are numbered from 2 in the order of the queries. A SET replaces the selection, and the selection holds only for
 * the export it named.
 */
final class NbdMetaContexts {

    private static final Logger LOG = LoggerFactory.getLogger(NbdMetaContexts.class);
    private static final String BASE_NAMESPACE = "base:";

    private final MetaContextSource source;
    /** Export named by the last SET_META_CONTEXT if it selected anything, else null. */
    private String selectedFor;
    private List<NbdSession.MetaContext> selected = List.of();

    NbdMetaContexts(MetaContextSource source) {
        this.source = source;
    }

    /** The contexts the last SET_META_CONTEXT selected, if it named export {@code exportName}; else none. */
    List<NbdSession.MetaContext> selectedFor(String exportName) {
        return exportName.equals(selectedFor) ? selected : List.of();
    }

    /** The replies to a LIST or SET option; a SET also replaces the current selection (even when failing). */
    List<NbdOptionReply> answer(NbdOptionRequest.MetaContext request, boolean structuredReplies) {
        int code = request.code();
        List<NbdOptionReply> replies = new ArrayList<>();
        if (request.option() == NbdOption.SET_META_CONTEXT) {
            selectedFor = null;
            selected = List.of();
            if (!structuredReplies) {
                return List.of(new NbdOptionReply.Error(code, NbdOptionReplyType.ERR_INVALID,
                        "NBD_OPT_SET_META_CONTEXT needs structured replies first"));
            }
            List<NbdSession.MetaContext> chosen = select(request.exportName(), request.queries());
            for (NbdSession.MetaContext c : chosen) {
                replies.add(new NbdOptionReply.MetaContext(code, c.id(), c.name()));
            }
            if (!chosen.isEmpty()) {
                selectedFor = request.exportName();
                selected = chosen;
            }
        } else {
            for (String name : list(request.exportName(), request.queries())) {
                // the id is only meaningful after SET; LIST replies SHOULD carry zero
                replies.add(new NbdOptionReply.MetaContext(code, 0, name));
            }
        }
        replies.add(new NbdOptionReply.Ack(code));
        return replies;
    }

    private Set<String> list(String exportName, List<String> queries) {
        Set<String> names = new LinkedHashSet<>();
        if (queries.isEmpty()) {
            names.add(NbdProtocol.BASE_ALLOCATION); // no query lists every context
            names.addAll(ask(exportName, ""));
            return names;
        }
        for (String q : queries) {
            if (q.startsWith(BASE_NAMESPACE)) {
                if (q.equals(BASE_NAMESPACE) || q.equals(NbdProtocol.BASE_ALLOCATION)) {
                    names.add(NbdProtocol.BASE_ALLOCATION);
                }
            } else if (!q.isEmpty()) {
                names.addAll(ask(exportName, q));
            }
        }
        return names;
    }

    private List<NbdSession.MetaContext> select(String exportName, List<String> queries) {
        boolean base = false;
        Set<String> others = new LinkedHashSet<>();
        for (String q : queries) {
            if (q.equals(NbdProtocol.BASE_ALLOCATION)) {
                base = true;
            } else if (!q.startsWith(BASE_NAMESPACE) && !q.isEmpty() && !others.contains(q)
                    && ask(exportName, q).contains(q)) {
                others.add(q);
            }
        }
        List<NbdSession.MetaContext> chosen = new ArrayList<>(others.size() + 1);
        if (base) {
            chosen.add(NbdSession.MetaContext.BASE_ALLOCATION);
        }
        int id = NbdSession.BASE_ALLOCATION_CONTEXT_ID + 1;
        for (String name : others) {
            chosen.add(new NbdSession.MetaContext(id++, name));
        }
        return chosen;
    }

    /** The source's answer; a source that fails offers nothing for this query (the client learns no more). */
    private List<String> ask(String exportName, String query) {
        try {
            return source.list(exportName, query);
        } catch (RuntimeException e) {
            LOG.warn("metadata contexts of export '{}' for query '{}' could not be listed", exportName, query, e);
            return List.of();
        }
    }
}
