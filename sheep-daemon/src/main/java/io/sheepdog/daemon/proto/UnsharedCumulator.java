package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Netty's {@link ByteToMessageDecoder#MERGE_CUMULATOR}, except that it never writes into a cumulation that a payload
 * slice still shares (reference count above one): the unread rest of it and the new bytes go to a fresh buffer
 * instead, and the old one is left to the slices.
 *
 * <p>Why: {@link SheepFrameDecoder} hands payloads out as retained slices of the cumulation, and their owners read them
 * on other threads (collie's main thread, I/O threads of the store). The merge cumulator appends the next socket read
 * in place whenever it fits in the buffer's capacity, even while such a slice is out, so the event loop and another
 * thread then use one {@link ByteBuf} object at once. With Netty 4.2.18's adaptive allocator that is a data race:
 * {@code AdaptiveByteBuf.setBytes(int, ByteBuf, int, int)} positions the buffer's one cached internal NIO buffer and
 * then copies through it, and {@code getBytes(int, OutputStream, int)} on a slice from another thread calls
 * {@code clear()} on that same NIO buffer in between, so the event loop's 64 KiB read lands at the start of the
 * buffer, over the payload being read (2 of 6 corrupt 256 MiB collie reads, with paranoid leak detection, which
 * takes the racy path and widens its window). Copying only the unread rest, at most one socket read, keeps payloads
 * zero-copy while guaranteeing that a buffer whose slice has left the event loop is never written again.
 */
final class UnsharedCumulator implements ByteToMessageDecoder.Cumulator {

    static final UnsharedCumulator INSTANCE = new UnsharedCumulator();

    private UnsharedCumulator() {
    }

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (cumulation == in || cumulation.refCnt() == 1) {
            // Nobody else holds it: the merge cumulator may append in place or reallocate.
            return ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        if (!cumulation.isReadable() && in.isContiguous()) {
            // Nothing of it is kept: leave it to the slices and go on with the new bytes.
            cumulation.release();
            return in;
        }
        int kept = cumulation.readableBytes();
        int added = in.readableBytes();
        ByteBuf fresh = alloc.buffer(alloc.calculateNewCapacity(kept + added, Integer.MAX_VALUE));
        try {
            fresh.writeBytes(cumulation, cumulation.readerIndex(), kept).writeBytes(in, in.readerIndex(), added);
        } catch (RuntimeException | Error e) {
            fresh.release();
            in.release();
            throw e;
        }
        cumulation.release();
        in.release();
        return fresh;
    }
}
