package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Decodes what a client sends during the fixed newstyle handshake (proto.md "Newstyle negotiation"): first its
 * 32-bit flags ({@link NbdClientFlags}), then options as {@link NbdOptionRequest}s.
 *
 * <p>At most one message is emitted per {@link #decode} call, so that the handler can replace this decoder right
 * after the option that ends the handshake: the bytes that follow are then forwarded, undecoded, to the
 * transmission-phase decoder that takes its place.
 *
 * <p>When the handler cannot decide at once whether an option ends the handshake (it waits for the export to be
 * attached), it {@link #pause}s the decoder: what the client sends meanwhile stays buffered, undecoded, because it
 * may be options or, if the option succeeds, transmission requests. The handler then either replaces the decoder
 * (the buffered bytes go to the transmission decoder) or {@link #resume}s it.
 *
 * <p>A bad option magic or an option longer than {@link NbdProtocol#MAX_OPTION_DATA_LENGTH} is a
 * {@link NbdProtocolException}; the decoder then enters {@link State#BAD_MESSAGE} and discards all further input.
 */
public final class NbdHandshakeDecoder extends NbdStreamDecoder<NbdHandshakeDecoder.State> {

    /** Where the decoder is in the client's byte stream. */
    public enum State {
        /** Waiting for the 4-byte client flags. */
        AWAIT_CLIENT_FLAGS,
        /** Waiting for a 16-byte option header (IHAVEOPT, option, length). */
        AWAIT_OPTION_HEADER,
        /** Header read; waiting for all of the option's data. */
        AWAIT_OPTION_DATA,
        /** Between options, held by {@link #pause()}: nothing is decoded until {@link #resume()}. */
        PAUSED,
        /** The stream is corrupt; everything is discarded until the connection closes. */
        BAD_MESSAGE
    }

    private final int maxOptionDataLength;
    private int optionCode;
    private int optionLength;

    /** A decoder accepting options of up to {@link NbdProtocol#MAX_OPTION_DATA_LENGTH} data bytes. */
    public NbdHandshakeDecoder() {
        this(NbdProtocol.MAX_OPTION_DATA_LENGTH);
    }

    /** A decoder accepting options of up to {@code maxOptionDataLength} data bytes. */
    public NbdHandshakeDecoder(int maxOptionDataLength) {
        super(State.AWAIT_CLIENT_FLAGS, State.BAD_MESSAGE);
        if (maxOptionDataLength < NbdProtocol.MAX_STRING_LENGTH + 8) {
            throw new IllegalArgumentException("maxOptionDataLength too small: " + maxOptionDataLength);
        }
        this.maxOptionDataLength = maxOptionDataLength;
    }

    /**
     * Stops decoding after the option just emitted; called from the handler while it handles that option.
     *
     * @throws IllegalStateException unless the decoder is between options
     */
    public void pause() {
        if (state() != State.AWAIT_OPTION_HEADER) {
            throw new IllegalStateException("cannot pause the handshake decoder in state " + state());
        }
        state(State.PAUSED);
    }

    /**
     * Decodes what arrived while paused, then carries on; must be called on the channel's event loop.
     *
     * @throws IllegalStateException if the decoder is not paused
     */
    public void resume() {
        if (state() != State.PAUSED) {
            throw new IllegalStateException("the handshake decoder is not paused but in state " + state());
        }
        state(State.AWAIT_OPTION_HEADER);
        decodeBuffered();
    }

    @Override
    void decodeStream(ByteBuf in, List<Object> out) {
        if (state() == State.PAUSED) {
            return;
        }
        if (state() == State.AWAIT_CLIENT_FLAGS) {
            if (in.readableBytes() < 4) {
                return;
            }
            out.add(new NbdClientFlags(in.readInt()));
            state(State.AWAIT_OPTION_HEADER);
            return;
        }
        if (state() == State.AWAIT_OPTION_HEADER) {
            if (in.readableBytes() < NbdProtocol.OPTION_HEADER_LENGTH) {
                return;
            }
            long magic = in.readLong();
            if (magic != NbdProtocol.IHAVEOPT) {
                throw fail(in, "bad option magic 0x" + Long.toHexString(magic));
            }
            optionCode = in.readInt();
            long length = in.readUnsignedInt();
            if (length > maxOptionDataLength) {
                throw fail(in, "option " + Integer.toUnsignedString(optionCode) + " has " + length
                        + " data bytes, more than " + maxOptionDataLength);
            }
            optionLength = (int) length;
            state(State.AWAIT_OPTION_DATA);
        }
        // state is AWAIT_OPTION_DATA
        if (in.readableBytes() < optionLength) {
            return;
        }
        ByteBuf data = in.readSlice(optionLength);
        state(State.AWAIT_OPTION_HEADER);
        out.add(NbdOptionParser.parse(optionCode, data));
    }
}
