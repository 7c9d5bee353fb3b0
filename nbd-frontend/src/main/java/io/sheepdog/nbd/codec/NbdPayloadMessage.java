package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A message carrying a data buffer (a WRITE request, a READ reply). Its reference count is the buffer's, so
 * Netty's usual {@code ReferenceCountUtil.release(msg)} frees the data wherever the message ends up.
 */
public interface NbdPayloadMessage extends ReferenceCounted {

    /** The data; owned by this message. */
    ByteBuf content();

    @Override
    default int refCnt() {
        return content().refCnt();
    }

    @Override
    default NbdPayloadMessage retain() {
        content().retain();
        return this;
    }

    @Override
    default NbdPayloadMessage retain(int increment) {
        content().retain(increment);
        return this;
    }

    @Override
    default NbdPayloadMessage touch() {
        content().touch();
        return this;
    }

    @Override
    default NbdPayloadMessage touch(Object hint) {
        content().touch(hint);
        return this;
    }

    @Override
    default boolean release() {
        return content().release();
    }

    @Override
    default boolean release(int decrement) {
        return content().release(decrement);
    }
}
