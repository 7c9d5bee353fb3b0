package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import io.sheepdog.nbd.limit.Admission;
import java.util.List;

/**
 * Decodes transmission-phase requests (proto.md "Request message") into {@link NbdRequest}s.
 *
 * <p>A WRITE's payload is taken with {@code readRetainedSlice}, not copied; the cumulation is composite so that a
 * large payload arriving in many reads is not copied into one growing buffer either. Payloads are capped at the
 * advertised maximum: a larger WRITE, or a bad magic, is a {@link NbdProtocolException} after which the decoder
 * is in {@link State#BAD_MESSAGE} and discards everything (the stream cannot be resynchronised). Requests without a
 * payload (TRIM, WRITE_ZEROES, BLOCK_STATUS...) may have any 32-bit length: nothing is allocated for them.
 *
 * <p>Before it accepts a request the decoder reserves what the request will hold ({@link #reservation}: a WRITE's
 * payload, a READ's reply) from the connection's {@link Admission}. If that is refused, the header stays unread and
 * the decoder decodes again when the admission calls back, so a client cannot make the server buffer more than
 * its share by sending (or asking for) more.
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
    private final Admission admission;
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
        this(maxPayload, Admission.UNLIMITED);
    }

    /**
     * A decoder accepting WRITE payloads of up to {@code maxPayload} bytes and reserving every request's bytes.
     *
     * @param maxPayload the advertised maximum payload
     * @param admission  the connection's share of the server's budget
     */
    public NbdRequestDecoder(int maxPayload, Admission admission) {
        super(State.READ_HEADER, State.BAD_MESSAGE);
        if (maxPayload <= 0) {
            throw new IllegalArgumentException("maxPayload must be positive: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        this.admission = admission;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /**
     * The bytes {@code request} holds while the server works on it: a WRITE's payload, the reply data of a READ the
     * server will serve (one longer than {@code maxPayload} is refused without reading anything); 0 for the others,
     * whose number per connection is bounded by the in-flight limit. What the decoder reserved, the handler
     * releases.
     */
    public static long reservation(NbdRequest request, int maxPayload) {
        if (request instanceof NbdRequest.Write write) {
            return write.length();
        }
        if (request instanceof NbdRequest.Read read && read.length() <= maxPayload) {
            return read.length();
        }
        return 0;
    }

    @Override
    void decodeStream(ByteBuf in, List<Object> out) {
        if (state() == State.READ_HEADER) {
            if (in.readableBytes() < NbdProtocol.REQUEST_HEADER_LENGTH) {
                return;
            }
            int start = in.readerIndex();
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
                NbdRequest request = NbdRequest.of(cookie, flags, type, offset, length);
                if (!admission.admit(reservation(request, maxPayload), false, this::decodeBuffered)) {
                    in.readerIndex(start); // decoded again when there is room
                    return;
                }
                out.add(request);
                return;
            }
            if (length > maxPayload) {
                throw fail(in, "write payload of " + length + " bytes exceeds the maximum of " + maxPayload);
            }
            if (!admission.admit(length, length > 0, this::decodeBuffered)) {
                in.readerIndex(start);
                return;
            }
            payloadLength = (int) length;
            state(State.READ_PAYLOAD);
        }
        // state is READ_PAYLOAD
        if (in.readableBytes() < payloadLength) {
            return;
        }
        state(State.READ_HEADER);
        admission.payloadComplete();
        out.add(new NbdRequest.Write(cookie, flags, offset, in.readRetainedSlice(payloadLength)));
    }
}
