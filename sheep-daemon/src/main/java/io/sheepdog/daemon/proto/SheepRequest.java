package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * A request frame. What each operation puts in the argument fields is documented on {@link Opcode}.
 *
 * @param opcode    the operation
 * @param flags     request flags ({@link SheepProtocol#FLAG_FUA} and friends), never {@code FLAG_RESPONSE}
 * @param epoch     the sender's epoch (u32), 0 if it has none
 * @param requestId echoed in the response; a {@code SheepClient} replaces it with its own
 * @param arg0      oid or vid
 * @param arg1      offset
 * @param arg2      length or size
 * @param arg3      copies or another small operand
 * @param payload   owned by the request; released with it
 */
public record SheepRequest(Opcode opcode, int flags, long epoch, long requestId, long arg0, long arg1, long arg2,
                           long arg3, ByteBuf payload) implements SheepMessage {

    public SheepRequest {
        Objects.requireNonNull(opcode, "opcode");
        Objects.requireNonNull(payload, "payload");
        if ((flags & SheepProtocol.FLAG_RESPONSE) != 0) {
            throw new IllegalArgumentException("a request cannot carry FLAG_RESPONSE");
        }
    }

    /** A request with no arguments and no payload (the client assigns the id). */
    public static SheepRequest of(Opcode opcode) {
        return new SheepRequest(opcode, 0, 0, 0, 0, 0, 0, 0, Unpooled.EMPTY_BUFFER);
    }

    /** A request with arguments and a payload the request takes ownership of (the client assigns the id). */
    public static SheepRequest of(Opcode opcode, int flags, long arg0, long arg1, long arg2, long arg3,
                                  ByteBuf payload) {
        return new SheepRequest(opcode, flags, 0, 0, arg0, arg1, arg2, arg3, payload);
    }

    /** The same request (sharing the payload, not retaining it) under another request id. */
    public SheepRequest withRequestId(long id) {
        return new SheepRequest(opcode, flags, epoch, id, arg0, arg1, arg2, arg3, payload);
    }

    /** The same request (sharing the payload, not retaining it) stamped with the sender's epoch. */
    public SheepRequest withEpoch(long senderEpoch) {
        return new SheepRequest(opcode, flags, senderEpoch, requestId, arg0, arg1, arg2, arg3, payload);
    }

    @Override
    public int opcodeCode() {
        return opcode.code();
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }
}
