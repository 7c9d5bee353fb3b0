package io.sheepdog.nbd.server;

import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.codec.NbdProtocol;
import java.util.List;

/**
 * What the handshake negotiated for one connection, handed to the transmission phase.
 *
 * @param exportName        the export in use
 * @param device            the export's device, opened for this connection
 * @param transmissionFlags the flags sent to the client
 * @param structuredReplies NBD_OPT_STRUCTURED_REPLY was acknowledged
 * @param metaContexts      the metadata contexts NBD_OPT_SET_META_CONTEXT selected for this export, in the order
 *                          block status answers them (base:allocation first if selected); empty if none
 * @param maxPayload        the advertised maximum payload
 */
record NbdSession(String exportName, BlockDevice device, int transmissionFlags, boolean structuredReplies,
                  List<MetaContext> metaContexts, int maxPayload) {

    /** The metadata context id we give base:allocation in NBD_OPT_SET_META_CONTEXT. */
    static final int BASE_ALLOCATION_CONTEXT_ID = 1;

    NbdSession {
        metaContexts = List.copyOf(metaContexts);
    }

    /**
     * A selected metadata context.
     *
     * @param id   the id NBD_REP_META_CONTEXT gave it, which its block status chunks carry
     * @param name its full name
     */
    record MetaContext(int id, String name) {
        /** base:allocation, answered by {@link BlockDevice#blockStatus(long, long)}. */
        static final MetaContext BASE_ALLOCATION = new MetaContext(BASE_ALLOCATION_CONTEXT_ID,
                NbdProtocol.BASE_ALLOCATION);

        boolean isBaseAllocation() {
            return name.equals(NbdProtocol.BASE_ALLOCATION);
        }
    }
}
