package io.sheepdog.nbd.server;

import io.sheepdog.nbd.codec.NbdOption;
import io.sheepdog.nbd.codec.NbdOptionReply;
import io.sheepdog.nbd.codec.NbdOptionReplyType;
import io.sheepdog.nbd.codec.NbdOptionRequest;
import io.sheepdog.nbd.codec.NbdProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Metadata context negotiation (proto.md "Metadata querying", NBD_OPT_LIST_META_CONTEXT and
 * NBD_OPT_SET_META_CONTEXT). The only context is {@code base:allocation}; the query {@code base:} is its wildcard
 * when listing and is ignored when setting; queries in other namespaces are ignored.
 */
final class NbdMetaContexts {

    private static final String BASE_WILDCARD = "base:";

    /** Export named by the last SET_META_CONTEXT if it selected base:allocation, else null. */
    private String selectedFor;

    /** True if base:allocation was selected, by the last SET_META_CONTEXT, for export {@code exportName}. */
    boolean baseAllocationSelectedFor(String exportName) {
        return exportName.equals(selectedFor);
    }

    /** The replies to a LIST or SET option; a SET also replaces the current selection (even when failing). */
    List<NbdOptionReply> answer(NbdOptionRequest.MetaContext request, boolean structuredReplies) {
        int code = request.code();
        boolean set = request.option() == NbdOption.SET_META_CONTEXT;
        if (set) {
            selectedFor = null;
            if (!structuredReplies) {
                return List.of(new NbdOptionReply.Error(code, NbdOptionReplyType.ERR_INVALID,
                        "NBD_OPT_SET_META_CONTEXT needs structured replies first"));
            }
        }
        boolean match = set ? selectsBaseAllocation(request.queries()) : listsBaseAllocation(request.queries());
        List<NbdOptionReply> replies = new ArrayList<>(2);
        if (match) {
            // the id is only meaningful after SET; LIST replies SHOULD carry zero
            int id = set ? NbdSession.BASE_ALLOCATION_CONTEXT_ID : 0;
            replies.add(new NbdOptionReply.MetaContext(code, id, NbdProtocol.BASE_ALLOCATION));
            if (set) {
                selectedFor = request.exportName();
            }
        }
        replies.add(new NbdOptionReply.Ack(code));
        return replies;
    }

    private static boolean listsBaseAllocation(List<String> queries) {
        if (queries.isEmpty()) {
            return true; // no query lists every context
        }
        return queries.stream().anyMatch(q -> q.equals(BASE_WILDCARD) || q.equals(NbdProtocol.BASE_ALLOCATION));
    }

    private static boolean selectsBaseAllocation(List<String> queries) {
        return queries.contains(NbdProtocol.BASE_ALLOCATION);
    }
}
