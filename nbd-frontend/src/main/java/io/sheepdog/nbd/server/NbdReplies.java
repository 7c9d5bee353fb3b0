package io.sheepdog.nbd.server;

import io.netty.buffer.ByteBuf;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.codec.NbdReply;
import java.util.List;

/**
 * Chooses between simple replies and structured reply chunks (proto.md "Structured reply chunk message"). With
 * structured replies, a read is one NBD_REPLY_TYPE_OFFSET_DATA chunk flagged DONE (a single content chunk, which
 * also satisfies NBD_CMD_FLAG_DF), errors are NBD_REPLY_TYPE_ERROR chunks with a message, a block status is one
 * NBD_REPLY_TYPE_BLOCK_STATUS chunk per selected metadata context, and other successes are simple replies, which the
 * spec allows for replies without payload.
 */
final class NbdReplies {

    private final boolean structured;

    NbdReplies(boolean structured) {
        this.structured = structured;
    }

    /** Success without data. */
    NbdReply ok(long cookie) {
        return new NbdReply.Simple(cookie, 0);
    }

    /** A successful read of {@code data} (at least one byte) at {@code offset}; takes ownership of {@code data}. */
    NbdReply read(long cookie, long offset, ByteBuf data) {
        return structured
                ? new NbdReply.OffsetData(cookie, NbdProtocol.REPLY_FLAG_DONE, offset, data)
                : new NbdReply.SimpleRead(cookie, data);
    }

    /** A successful read of zero bytes (OFFSET_DATA cannot describe zero bytes). */
    NbdReply emptyRead(long cookie) {
        return structured ? new NbdReply.None(cookie) : new NbdReply.Simple(cookie, 0);
    }

    /** A failure. */
    NbdReply error(long cookie, NbdError error, String message) {
        return structured
                ? new NbdReply.Error(cookie, NbdProtocol.REPLY_FLAG_DONE, error.code(), NbdErrors.truncate(message))
                : new NbdReply.Simple(cookie, error.code());
    }

    /**
     * One metadata context's block status chunk (a reply has one per selected context, proto.md
     * "NBD_CMD_BLOCK_STATUS"); the {@code last} one is flagged DONE.
     */
    NbdReply blockStatus(long cookie, int contextId, List<Extent> descriptors, boolean last) {
        return new NbdReply.BlockStatus(cookie, last ? NbdProtocol.REPLY_FLAG_DONE : 0, contextId, descriptors);
    }
}
