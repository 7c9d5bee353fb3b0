package io.sheepdog.nbd.server;

import io.sheepdog.nbd.BlockDevice;

/**
 * What the handshake negotiated for one connection, handed to the transmission phase.
 *
 * @param exportName        the export in use
 * @param device            the export's device, opened for this connection
 * @param transmissionFlags the flags sent to the client
 * @param structuredReplies NBD_OPT_STRUCTURED_REPLY was acknowledged
 * @param baseAllocation    base:allocation was selected for this export with NBD_OPT_SET_META_CONTEXT
 * @param maxPayload        the advertised maximum payload
 */
record NbdSession(String exportName, BlockDevice device, int transmissionFlags, boolean structuredReplies,
                  boolean baseAllocation, int maxPayload) {

    /** The metadata context id we give base:allocation in NBD_OPT_SET_META_CONTEXT. */
    static final int BASE_ALLOCATION_CONTEXT_ID = 1;
}
