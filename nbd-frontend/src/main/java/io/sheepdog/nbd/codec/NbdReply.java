package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import io.sheepdog.nbd.Extent;
import java.util.List;

/**
 * A transmission-phase reply: a simple reply (proto.md "Simple reply message") or one structured reply chunk
 * (proto.md "Structured reply chunk message" and "Structured reply types"). Written by {@link NbdReplyEncoder}.
 */
public sealed interface NbdReply {

    /** The cookie of the request this answers. */
    long cookie();

    /** A simple reply without data: success ({@code error == 0}) or an NBD errno. */
    record Simple(long cookie, int error) implements NbdReply {
    }

    /** A successful simple reply to a READ, followed by the data. */
    record SimpleRead(long cookie, ByteBuf content) implements NbdReply, NbdPayloadMessage {
    }

    /** NBD_REPLY_TYPE_OFFSET_DATA: {@code content} read at {@code offset}; must hold at least one byte. */
    record OffsetData(long cookie, int flags, long offset, ByteBuf content) implements NbdReply, NbdPayloadMessage {
    }

    /** NBD_REPLY_TYPE_NONE, always with NBD_REPLY_FLAG_DONE. */
    record None(long cookie) implements NbdReply {
    }

    /**
     * NBD_REPLY_TYPE_ERROR.
     *
     * @param error   the NBD errno (nonzero)
     * @param message text for a human, at most {@link NbdProtocol#MAX_STRING_LENGTH} bytes of UTF-8
     */
    record Error(long cookie, int flags, int error, String message) implements NbdReply {
        public Error {
            if (error == 0) {
                throw new IllegalArgumentException("error chunk with error 0");
            }
        }
    }

    /**
     * NBD_REPLY_TYPE_BLOCK_STATUS: one metadata context's descriptors. Each descriptor length must fit the
     * 32-bit field.
     */
    record BlockStatus(long cookie, int flags, int contextId, List<Extent> descriptors) implements NbdReply {
        public BlockStatus {
            descriptors = List.copyOf(descriptors);
            if (descriptors.isEmpty()) {
                throw new IllegalArgumentException("block status needs at least one descriptor");
            }
            for (Extent e : descriptors) {
                if (e.length() > 0xFFFF_FFFFL) {
                    throw new IllegalArgumentException("descriptor length does not fit 32 bits: " + e.length());
                }
            }
        }
    }
}
