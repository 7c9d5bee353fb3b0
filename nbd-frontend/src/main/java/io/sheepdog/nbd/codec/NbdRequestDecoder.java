package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Decodes transmission-phase requests (proto.md "Request message") into {@link NbdRequest}s.
 *
 * <p>A WRITE's payload is taken with {@code readRetainedSlice}, not copied; the cumulation is composite so that a
 * large payload arriving in many reads is not copied into one growing buffer either. Payloads are capped at the
 * advertised maximum: a larger WRITE, or a bad magic, is a {@link NbdProtocolException} after which the decoder
 * is in {@link State#BAD_MESSAGE} and discards everything (the stream cannot be resynchronised). Requests without a
 * payload (TRIM, WRITE_ZEROES, BLOCK_STATUS...) may have any 32-bit length: nothing is allocated for them.
 */
public final class NbdRequestDecoder extends NbdStreamDecoder<NbdRequestDecoder.State> {

    /** Where the decoder is in the client's byte stream. */
    public enum State {
        /** Waiting for a 28-byte request header. */
        READ_HEADER,
        /** A WRITE header was read; waiting for its payload. */
        READ_PAYLOAD,
        /** The stream is corrupt; everything is discarded until the connection closes. */
        BAD_MESSAGE
    }

    private final int maxPayload;
    private int flags;
    private long cookie;
    private long offset;
    private int payloadLength;

    /**
     * A decoder accepting WRITE payloads of up to {@code maxPayload} bytes.
     *
     * @param maxPayload the advertised maximum payload
     */
    public NbdRequestDecoder(int maxPayload) {
        super(State.READ_HEADER, State.BAD_MESSAGE);
        if (maxPayload <= 0) {
            throw new IllegalArgumentException("maxPayload must be positive: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    @Override
    void decodeStream(ByteBuf in, List<Object> out) {
        if (state() == State.READ_HEADER) {
            if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_LENGTH) {
                return;
            }
            int magic = in.readInt();
            if (magic != NbdProtocol.REQUEST_MAGIC) {
                throw fail(in, "bad request magic 0x" + Integer.toHexString(magic));
            }
            flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            cookie = in.readLong();
            offset = in.readLong();
            long length = in.readUnsignedInt();
            if (type != NbdCommand.WRITE.code()) {
                out.add(NbdRequest.of(cookie, flags, type, offset, length));
                return;
            }
            if (length > maxPayload) {
                throw fail(in, "write payload of " + length + " bytes exceeds the maximum of " + maxPayload);
            }
            payloadLength = (int) length;
            state(State.READ_PAYLOAD);
        }
        // state is READ_PAYLOAD
        if (in.readableBytes() < payloadLength) {
            return;
        }
        state(State.READ_HEADER);
        out.add(new NbdRequest.Write(cookie, flags, offset, in.readRetainedSlice(payloadLength)));
    }
}
