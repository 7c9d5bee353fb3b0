package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.nbd.limit.Admission;
import io.sheepdog.nbd.limit.ResumableDecoder;
import java.util.List;

/**
 * Frames the byte stream into header plus payload and hands each frame to a subclass, which turns it into a typed
 * message. Shape after Netty's {@code AbstractBinaryMemcacheDecoder}; layout in {@link SheepProtocol}.
 *
 * <p>Checks run as soon as the bytes they need have arrived and before the payload is buffered: the magic (first 4
 * bytes), the version (first {@value SheepProtocol#STABLE_PREFIX_SIZE} bytes, so the answer can carry the request id),
 * then the payload length against the frame cap. A frame that fails a check becomes a {@link SheepDecodeFailure};
 * failures that lose the framing are fatal and move the decoder to {@link State#BAD_MESSAGE}, where every later byte
 * is discarded until the logic closes the connection.
 *
 * <p>The payload is taken with {@code readRetainedSlice}: no copy, and the message owns one reference. Its owner may
 * read it on any thread, because the decoder never writes into a buffer while a payload slice of it is out (see
 * {@link UnsharedCumulator}).
 *
 * <p>Before a frame's payload is buffered, its {@link #reservation} is reserved from the connection's
 * {@link Admission} (a server's budget; {@link Admission#UNLIMITED} for a client): refused, the header stays unread
 * until the admission calls back, so a few unfinished large frames cannot take more than their share of memory. A
 * refused frame's payload, skipped, is released here; an accepted frame's reservation is its consumer's to release.
 */
public abstract class SheepFrameDecoder extends ResumableDecoder {

    /** Decoder states. */
    public enum State {
        /** Waiting for (the rest of) a {@value SheepProtocol#HEADER_SIZE}-byte header. */
        READ_HEADER,
        /** Header accepted; waiting for {@code payloadLength} bytes of payload. */
        READ_PAYLOAD,
        /** The stream cannot be framed any more; everything is discarded. Terminal. */
        BAD_MESSAGE
    }

    private final int maxFrameSize;
    private final Admission admission;
    private State state = State.READ_HEADER;
    private SheepFrameHeader header;
    /** Set when the current frame is refused but its payload must still be skipped to stay in frame. */
    private SheepDecodeFailure pendingFailure;

    /** @param maxFrameSize cap on header plus payload, at least the header size */
    protected SheepFrameDecoder(int maxFrameSize) {
        this(maxFrameSize, Admission.UNLIMITED);
    }

    /**
     * @param maxFrameSize cap on header plus payload, at least the header size
     * @param admission    where each frame's {@link #reservation} is reserved
     */
    protected SheepFrameDecoder(int maxFrameSize, Admission admission) {
        if (maxFrameSize < SheepProtocol.HEADER_SIZE) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize + " < header size");
        }
        this.maxFrameSize = maxFrameSize;
        this.admission = admission;
        // Payloads are slices of the cumulation read on other threads: it must not be written while one is out.
        setCumulator(UnsharedCumulator.INSTANCE);
    }

    public State state() {
        return state;
    }

    @Override
    @SuppressWarnings("fallthrough")
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_HEADER:
                if (!readHeader(in, out)) {
                    return;
                }
                state = State.READ_PAYLOAD;
                // fall through: the payload may already be here
            case READ_PAYLOAD:
                readPayload(in, out);
                return;
            case BAD_MESSAGE:
                in.skipBytes(in.readableBytes());
                return;
            default:
                throw new IllegalStateException("unknown state " + state);
        }
    }

    /** Returns true once a whole header was read and accepted (possibly with a pending non-fatal failure). */
    private boolean readHeader(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable >= Integer.BYTES) {
            int magic = in.getInt(start + SheepProtocol.OFFSET_MAGIC);
            if (magic != SheepProtocol.MAGIC) {
                fail(in, out, new SheepDecodeFailure(SheepProtocol.NO_REQUEST_ID, -1, ResultCode.INVALID_PARAMS,
                        String.format("bad magic 0x%08x: not a sheep protocol peer", magic), true));
                return false;
            }
        }
        if (readable >= SheepProtocol.STABLE_PREFIX_SIZE) {
            int version = in.getUnsignedByte(start + SheepProtocol.OFFSET_VERSION);
            if (version != SheepProtocol.VERSION) {
                fail(in, out, new SheepDecodeFailure(in.getLong(start + SheepProtocol.OFFSET_REQUEST_ID),
                        in.getUnsignedByte(start + SheepProtocol.OFFSET_OPCODE), ResultCode.VER_MISMATCH,
                        versionMismatchMessage(version), true));
                return false;
            }
        }
        if (readable < SheepProtocol.HEADER_SIZE) {
            return false;
        }
        SheepFrameHeader h = SheepFrameHeader.read(in);
        if (h.payloadLength() > SheepProtocol.maxPayload(maxFrameSize)) {
            fail(in, out, new SheepDecodeFailure(h.requestId(), h.opcode(), ResultCode.INVALID_PARAMS,
                    "frame of " + (h.payloadLength() + SheepProtocol.HEADER_SIZE) + " bytes exceeds the limit of "
                            + maxFrameSize + " bytes", true));
            return false;
        }
        SheepDecodeFailure refused = check(h);
        if (refused != null && refused.fatal()) {
            fail(in, out, refused);
            return false;
        }
        long reserve = refused != null ? h.payloadLength() : reservation(h);
        if (!admission.admit(reserve, h.payloadLength() > 0, this::decodeBuffered)) {
            in.readerIndex(start); // decoded again when there is room
            return false;
        }
        header = h;
        pendingFailure = refused;
        return true;
    }

    private void readPayload(ByteBuf in, List<Object> out) {
        int length = (int) header.payloadLength();
        if (in.readableBytes() < length) {
            return;
        }
        admission.payloadComplete();
        if (pendingFailure != null) {
            in.skipBytes(length);
            admission.release(length);
            out.add(pendingFailure);
        } else {
            ByteBuf payload = length == 0 ? Unpooled.EMPTY_BUFFER : in.readRetainedSlice(length);
            out.add(newMessage(header, payload));
        }
        header = null;
        pendingFailure = null;
        state = State.READ_HEADER;
    }

    private void fail(ByteBuf in, List<Object> out, SheepDecodeFailure failure) {
        state = State.BAD_MESSAGE;
        header = null;
        pendingFailure = null;
        in.skipBytes(in.readableBytes());
        out.add(failure);
    }

    /**
     * Validates a header of the subclass's direction; returns null to accept, a non-fatal failure to answer the frame
     * and go on with the next one, or a fatal failure to stop decoding.
     */
    protected abstract SheepDecodeFailure check(SheepFrameHeader header);

    /** The bytes an accepted frame will hold: its payload, and what the subclass knows of its answer. */
    protected long reservation(SheepFrameHeader header) {
        return header.payloadLength();
    }

    /** The typed message for an accepted frame; takes ownership of {@code payload}. */
    protected abstract SheepMessage newMessage(SheepFrameHeader header, ByteBuf payload);

    /** What to tell a person when the peer speaks {@code peerVersion}. */
    protected abstract String versionMismatchMessage(int peerVersion);
}
