package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A decoded frame, request or response. Its reference count is that of its payload, so Netty's usual release
 * rules ({@code ReferenceCountUtil.release}, {@code EmbeddedChannel.finishAndReleaseAll}) apply to the whole message.
 */
public sealed interface SheepMessage extends ReferenceCounted permits SheepRequest, SheepResponse {

    /** The opcode byte as on the wire; {@link SheepRequest#opcode()} gives the operation. */
    int opcodeCode();

    int flags();

    /** The sender's epoch (u32). */
    long epoch();

    long requestId();

    long arg0();

    long arg1();

    long arg2();

    long arg3();

    /** The payload; empty for most control requests. Owned by the message. */
    ByteBuf payload();

    @Override
    default int refCnt() {
        return payload().refCnt();
    }

    @Override
    default SheepMessage retain() {
        payload().retain();
        return this;
    }

    @Override
    default SheepMessage retain(int increment) {
        payload().retain(increment);
        return this;
    }

    @Override
    default SheepMessage touch() {
        payload().touch();
        return this;
    }

    @Override
    default SheepMessage touch(Object hint) {
        payload().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return payload().release();
    }

    @Override
    default boolean release(int decrement) {
        return payload().release(decrement);
    }
}
