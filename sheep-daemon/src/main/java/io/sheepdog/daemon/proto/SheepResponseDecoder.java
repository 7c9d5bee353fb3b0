package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.sheepdog.daemon.api.ResultCode;

/**
 * Client side: decodes response frames into {@link SheepResponse}s. Result codes this side does not know become
 * {@link ResultCode#UNKNOWN}. A frame without the response flag, bad magic, another version or an oversize frame is
 * fatal: the client fails the affected requests and closes.
 */
public final class SheepResponseDecoder extends SheepFrameDecoder {

    public SheepResponseDecoder(int maxFrameSize) {
        super(maxFrameSize);
    }

    @Override
    protected SheepDecodeFailure check(SheepFrameHeader h) {
        if (!h.hasFlag(SheepProtocol.FLAG_RESPONSE)) {
            return new SheepDecodeFailure(h.requestId(), h.opcode(), ResultCode.INVALID_PARAMS,
                    "the sheep sent a request frame where a response was expected", true);
        }
        return null;
    }

    @Override
    protected SheepMessage newMessage(SheepFrameHeader h, ByteBuf payload) {
        ResultCode result = h.result() > Integer.MAX_VALUE ? ResultCode.UNKNOWN : ResultCode.valueOf((int) h.result());
        if (result == ResultCode.NETWORK_ERROR) {
            // Client-side only by contract; a peer sending it is confused, not unreachable.
            result = ResultCode.UNKNOWN;
        }
        return new SheepResponse(h.opcode(), h.flags() & ~SheepProtocol.FLAG_RESPONSE, result, h.epoch(),
                h.requestId(), h.arg0(), h.arg1(), h.arg2(), h.arg3(), payload);
    }

    @Override
    protected String versionMismatchMessage(int peerVersion) {
        return "protocol version mismatch: the sheep speaks version " + peerVersion + ", this client speaks version "
                + SheepProtocol.VERSION;
    }
}
