package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response frame. On success the payload is the operation's result (see {@link Opcode}); on failure it is a
 * UTF-8 message for a person.
 *
 * @param opcodeCode the opcode byte of the request answered, echoed even if this side does not know it
 * @param flags     response flags; {@link SheepProtocol#FLAG_RESPONSE} is added on the wire
 * @param result    the outcome
 * @param epoch     the responder's epoch (u32)
 * @param requestId the id of the request answered
 * @param arg0      operation specific, 0 today
 * @param arg1      operation specific, 0 today
 * @param arg2      operation specific, 0 today
 * @param arg3      operation specific, 0 today
 * @param payload   owned by the response; released with it
 */
public record SheepResponse(int opcodeCode, int flags, ResultCode result, long epoch, long requestId, long arg0,
                            long arg1, long arg2, long arg3, ByteBuf payload) implements SheepMessage {

    public SheepResponse {
        if (opcodeCode < 0 || opcodeCode > 0xff) {
            throw new IllegalArgumentException("opcode out of range: " + opcodeCode);
        }
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(payload, "payload");
        if (result == ResultCode.NETWORK_ERROR) {
            throw new IllegalArgumentException("NETWORK_ERROR is client side only and never sent");
        }
    }

    /** A successful answer to {@code request} carrying {@code payload} (ownership passes to the response). */
    public static SheepResponse success(SheepRequest request, ByteBuf payload) {
        return new SheepResponse(request.opcodeCode(), 0, ResultCode.SUCCESS, 0, request.requestId(), 0, 0, 0, 0,
                payload);
    }

    /** A successful answer with no payload. */
    public static SheepResponse success(SheepRequest request) {
        return success(request, Unpooled.EMPTY_BUFFER);
    }

    /** A failed answer to the request {@code requestId}; the message travels as UTF-8. */
    public static SheepResponse error(int opcodeCode, long requestId, ResultCode result, String message,
                                      ByteBufAllocator alloc) {
        if (result == ResultCode.SUCCESS) {
            throw new IllegalArgumentException("an error response needs a failure code");
        }
        ByteBuf text = message == null || message.isEmpty()
                ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(alloc, message);
        return new SheepResponse(opcodeCode, 0, result, 0, requestId, 0, 0, 0, 0, text);
    }

    /** The operation's name, or its hex code if this side does not know it. */
    public String opcodeName() {
        return Opcode.isKnown(opcodeCode) ? Opcode.valueOf(opcodeCode).name() : "0x" + Integer.toHexString(opcodeCode);
    }

    public boolean isSuccess() {
        return result == ResultCode.SUCCESS;
    }

    /**
     * The failure as an exception: the daemon's code and message (or a generic message naming the code when the
     * daemon sent none). Does not release the response.
     */
    public SheepException toException() {
        String message = payload.toString(payload.readerIndex(), payload.readableBytes(), StandardCharsets.UTF_8);
        if (message.isEmpty()) {
            message = opcodeName() + " failed: " + result;
        }
        return new SheepException(result, message);
    }
}
