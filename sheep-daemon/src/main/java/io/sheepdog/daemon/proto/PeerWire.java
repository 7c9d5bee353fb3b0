package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectVersion;
import java.util.BitSet;
import java.util.Optional;

/**
 * The payload and response-argument formats of the sheep-to-sheep ({@link Opcode.Kind#PEER}) operations; the header
 * fields they use are listed on {@link Opcode}.
 *
 * <ul>
 * <li>PEER_ALLOCATION answers {@value #ALLOCATION_BITMAP_BYTES} bytes: bit {@code i} (byte {@code i / 8}, bit
 *     {@code i % 8}, least significant first, as {@link BitSet#toByteArray()}) is set when 4 KiB block {@code i} of
 *     the object is allocated.</li>
 * <li>PEER_STAT_OBJ answers with an empty payload and the result in the response arguments: arg0 1 if the replica
 *     exists (0 otherwise, all other arguments 0), arg1 the epoch and arg2 the sequence of its
 *     {@link ObjectVersion}, arg3 its allocated bytes.</li>
 * </ul>
 */
public final class PeerWire {

    /** Size of the block bitmap of one object. */
    public static final int ALLOCATION_BITMAP_BYTES = ObjectLayout.BLOCKS_PER_OBJECT / Byte.SIZE;

    private PeerWire() {
    }

    /** The bitmap of {@code allocated} as a fresh buffer of {@value #ALLOCATION_BITMAP_BYTES} bytes. */
    public static ByteBuf encodeAllocation(BitSet allocated, ByteBufAllocator alloc) {
        if (allocated.length() > ObjectLayout.BLOCKS_PER_OBJECT) {
            throw new IllegalArgumentException("block " + (allocated.length() - 1) + " is beyond the object");
        }
        byte[] bits = allocated.toByteArray();
        ByteBuf out = alloc.buffer(ALLOCATION_BITMAP_BYTES, ALLOCATION_BITMAP_BYTES);
        out.writeBytes(bits);
        out.writeZero(ALLOCATION_BITMAP_BYTES - bits.length);
        return out;
    }

    /**
     * The bitmap in {@code payload} (not released here).
     *
     * @throws SheepException EIO if the payload is not exactly {@value #ALLOCATION_BITMAP_BYTES} bytes
     */
    public static BitSet decodeAllocation(ByteBuf payload) throws SheepException {
        if (payload.readableBytes() != ALLOCATION_BITMAP_BYTES) {
            throw new SheepException(ResultCode.EIO, "allocation bitmap of " + payload.readableBytes()
                    + " bytes instead of " + ALLOCATION_BITMAP_BYTES);
        }
        byte[] bits = new byte[ALLOCATION_BITMAP_BYTES];
        payload.getBytes(payload.readerIndex(), bits);
        return BitSet.valueOf(bits);
    }

    /** The successful answer to a PEER_STAT_OBJ request. */
    public static SheepResponse statResponse(SheepRequest request, Optional<ObjectInfo> info) {
        if (info.isEmpty()) {
            return SheepResponse.success(request);
        }
        ObjectInfo i = info.get();
        return new SheepResponse(request.opcodeCode(), 0, ResultCode.SUCCESS, 0, request.requestId(), 1,
                i.version().epoch(), i.version().sequence(), i.allocatedBytes(), Unpooled.EMPTY_BUFFER);
    }

    /** What a successful PEER_STAT_OBJ response says about object {@code oid}. */
    public static Optional<ObjectInfo> decodeStat(long oid, SheepResponse response) {
        if (response.arg0() == 0) {
            return Optional.empty();
        }
        return Optional.of(new ObjectInfo(oid, new ObjectVersion(response.arg1(), response.arg2()), response.arg3()));
    }
}
