package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.sheepdog.nbd.limit.ResumableDecoder;
import java.util.List;

/**
 * The common part of the NBD decoders: a state machine over the client's byte stream ({@code S}, one decoder per
 * protocol phase) with a terminal {@code BAD_MESSAGE} state. An NBD stream cannot be resynchronised after a protocol
 * error, so once {@link #fail} put the decoder there, everything that arrives is discarded until the connection
 * closes (as in Netty's {@code AbstractBinaryMemcacheDecoder}).
 *
 * @param <S> the decoder's state enum
 */
abstract class NbdStreamDecoder<S extends Enum<S>> extends ResumableDecoder {
    private final S badMessage;
    private S state;

    /**
     * @param initial    the state before the first byte
     * @param badMessage the terminal state after a protocol error
     */
    NbdStreamDecoder(S initial, S badMessage) {
        this.state = initial;
        this.badMessage = badMessage;
    }

    /** The current state. */
    public final S state() {
        return state;
    }

    final void state(S next) {
        state = next;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == badMessage) {
            in.skipBytes(in.readableBytes());
            return;
        }
        decodeStream(in, out);
    }

    /** Decodes from {@code in} in the current state (never {@code BAD_MESSAGE}). */
    abstract void decodeStream(ByteBuf in, List<Object> out);

    /** Enters {@code BAD_MESSAGE}, discards what is buffered, and returns the exception to throw. */
    final NbdProtocolException fail(ByteBuf in, String reason) {
        state = badMessage;
        in.skipBytes(in.readableBytes());
        return new NbdProtocolException(reason);
    }
}
