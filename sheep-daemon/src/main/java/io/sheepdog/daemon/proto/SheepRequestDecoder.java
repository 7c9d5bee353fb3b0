package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ResultCode;

/**
 * Server side: decodes request frames into {@link SheepRequest}s, or {@link SheepDecodeFailure}s the server answers.
 * A frame with an unknown opcode, unknown flags or the response flag is answered and skipped (the stream stays in
 * frame); bad magic, another version, an oversize frame or request id 0 are fatal.
 */
public final class SheepRequestDecoder extends SheepFrameDecoder {

    public SheepRequestDecoder(int maxFrameSize) {
        super(maxFrameSize);
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
