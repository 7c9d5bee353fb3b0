package io.sheepdog.nbd.server;

import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.codec.NbdInfoType;
import io.sheepdog.nbd.codec.NbdOptionReply;
import io.sheepdog.nbd.codec.NbdOptionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The NBD_REP_INFO replies to a successful NBD_OPT_INFO or NBD_OPT_GO (proto.md "NBD_REP_INFO"). */
final class NbdExportInfo {

    private NbdExportInfo() {
    }

    /**
     * NBD_INFO_EXPORT always (it is mandatory), NBD_INFO_BLOCK_SIZE always (min 1, preferred 4096, max the
     * configured payload: clients that did not ask may ignore it), NBD_INFO_NAME and NBD_INFO_DESCRIPTION when
     * requested. Unknown information types are ignored, as the spec requires.
     */
    static List<NbdOptionReply> replies(NbdOptionRequest.Info info, long size, int transmissionFlags, int maxPayload,
                                        ExportProvider exports) {
        int code = info.code();
        List<NbdOptionReply> replies = new ArrayList<>(4);
        replies.add(new NbdOptionReply.InfoExport(code, size, transmissionFlags));
        replies.add(new NbdOptionReply.InfoBlockSize(code, NbdServerConfig.MINIMUM_BLOCK_SIZE,
                NbdServerConfig.PREFERRED_BLOCK_SIZE, maxPayload));
        for (int type : info.infoTypes().stream().distinct().toList()) {
            Optional<NbdInfoType> known = NbdInfoType.lookup(type);
            if (known.isEmpty()) {
                continue;
            }
            switch (known.get()) {
                case NAME:
                    replies.add(new NbdOptionReply.InfoName(code, info.name()));
                    break;
                case DESCRIPTION:
                    description(exports, info.name())
                            .ifPresent(d -> replies.add(new NbdOptionReply.InfoDescription(code, d)));
                    break;
                default:
                    break; // EXPORT and BLOCK_SIZE are always sent
            }
        }
        return replies;
    }

    private static Optional<String> description(ExportProvider exports, String name) {
        return exports.list().stream()
                .filter(e -> e.name().equals(name) && e.description() != null && !e.description().isEmpty())
                .map(ExportProvider.ExportDescription::description)
                .findFirst();
    }
}
