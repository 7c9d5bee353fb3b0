package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.nbd.limit.Admission;

/**
 * Server side: decodes request frames into {@link SheepRequest}s, or {@link SheepDecodeFailure}s the server answers.
 * A frame with an unknown opcode, unknown flags or the response flag is answered and skipped (the stream stays in
 * frame); bad magic, another version, an oversize frame or request id 0 are fatal.
 *
 * <p>A request reserves its payload and, for the reads whose answer length it names (VDI_READ, PEER_READ_OBJ), that
 * answer ({@link #reservation(Opcode, long, long, int)}); the server releases both once the response is written.
 */
public final class SheepRequestDecoder extends SheepFrameDecoder {

    private final int maxFrameSize;

    public SheepRequestDecoder(int maxFrameSize) {
        this(maxFrameSize, Admission.UNLIMITED);
    }

    /** A decoder reserving every request's bytes from {@code admission}, the connection's share of the budget. */
    public SheepRequestDecoder(int maxFrameSize, Admission admission) {
        super(maxFrameSize, admission);
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * The bytes a request holds while it is served: its payload, plus the data a read answers with (at most what a
     * frame carries). Responses longer than this (object lists, JSON) are counted when they exist.
     */
    public static long reservation(Opcode opcode, long payloadLength, long arg2, int maxFrameSize) {
        boolean read = opcode == Opcode.VDI_READ || opcode == Opcode.PEER_READ_OBJ;
        long answer = read ? Math.max(0, Math.min(arg2, SheepProtocol.maxPayload(maxFrameSize))) : 0;
        return payloadLength + answer;
    }

    @Override
    protected long reservation(SheepFrameHeader h) {
        return reservation(Opcode.valueOf(h.opcode()), h.payloadLength(), h.arg2(), maxFrameSize);
    }

    @Override
    protected SheepDecodeFailure check(SheepFrameHeader h) {
        if (h.requestId() == SheepProtocol.NO_REQUEST_ID) {
            return new SheepDecodeFailure(h.requestId(), h.opcode(), ResultCode.INVALID_PARAMS,
                    "request id 0 is reserved", true);
        }
        if (h.hasFlag(SheepProtocol.FLAG_RESPONSE)) {
            return new SheepDecodeFailure(h.requestId(), h.opcode(), ResultCode.INVALID_PARAMS,
                    "a response frame was sent to a sheep server", false);
        }
        if (!Opcode.isKnown(h.opcode())) {
            return new SheepDecodeFailure(h.requestId(), h.opcode(), ResultCode.NOT_SUPPORTED,
                    "unknown opcode 0x" + Integer.toHexString(h.opcode()), false);
        }
        if ((h.flags() & ~SheepProtocol.REQUEST_FLAGS_MASK) != 0) {
            return new SheepDecodeFailure(h.requestId(), h.opcode(), ResultCode.INVALID_PARAMS,
                    "unknown request flags 0x" + Integer.toHexString(h.flags()), false);
        }
        return null;
    }

    @Override
    protected SheepMessage newMessage(SheepFrameHeader h, ByteBuf payload) {
        return new SheepRequest(Opcode.valueOf(h.opcode()), h.flags(), h.epoch(), h.requestId(), h.arg0(), h.arg1(),
                h.arg2(), h.arg3(), payload);
    }

    @Override
    protected String versionMismatchMessage(int peerVersion) {
        return "protocol version mismatch: the client speaks version " + peerVersion + ", this sheep speaks version "
                + SheepProtocol.VERSION;
    }
}
