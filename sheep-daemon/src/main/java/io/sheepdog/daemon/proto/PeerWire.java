package io.sheepdog.daemon.proto;

import com.google.common.hash.HashCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.ObjectImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
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
 * <li>PEER_LIST_OBJ answers {@value #LIST_ENTRY_BYTES} bytes per stored replica: oid, version epoch, version
 *     sequence, allocated bytes (each a big-endian u64).</li>
 * <li>PEER_GET_OBJ answers the replica's version in arg1 (epoch) and arg2 (sequence) and, as payload, its block
 *     bitmap ({@value #ALLOCATION_BITMAP_BYTES} bytes, as for PEER_ALLOCATION) followed by the allocated blocks in
 *     order ({@link ObjectImage#blocks()}); PEER_PUT_OBJ sends the same in its request (version in arg1/arg2).</li>
 * <li>PEER_CHECK_OBJ answers the replica's version in arg1 (epoch) and arg2 (sequence) and, as payload, the
 *     {@value ReplicaDigest#DIGEST_BYTES}-byte digest of its content ({@link ReplicaDigest}).</li>
 * </ul>
 */
public final class PeerWire {

    /** Size of one entry of a PEER_LIST_OBJ answer. */
    public static final int LIST_ENTRY_BYTES = 4 * Long.BYTES;

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

    /** The PEER_LIST_OBJ payload for {@code replicas}. */
    public static ByteBuf encodeList(List<ObjectInfo> replicas, ByteBufAllocator alloc) {
        int bytes = replicas.size() * LIST_ENTRY_BYTES;
        ByteBuf out = alloc.buffer(bytes, bytes);
        for (ObjectInfo i : replicas) {
            out.writeLong(i.oid()).writeLong(i.version().epoch()).writeLong(i.version().sequence())
                    .writeLong(i.allocatedBytes());
        }
        return out;
    }

    /** The replicas of a PEER_LIST_OBJ payload (not released here). */
    public static List<ObjectInfo> decodeList(ByteBuf payload) throws SheepException {
        if (payload.readableBytes() % LIST_ENTRY_BYTES != 0) {
            throw new SheepException(ResultCode.EIO, "object list of " + payload.readableBytes()
                    + " bytes is not a multiple of " + LIST_ENTRY_BYTES);
        }
        List<ObjectInfo> list = new ArrayList<>(payload.readableBytes() / LIST_ENTRY_BYTES);
        for (int at = payload.readerIndex(); at < payload.writerIndex(); at += LIST_ENTRY_BYTES) {
            list.add(new ObjectInfo(payload.getLong(at), new ObjectVersion(payload.getLong(at + 8),
                    payload.getLong(at + 16)), payload.getLong(at + 24)));
        }
        return list;
    }

    /** The payload carrying {@code image}: bitmap then blocks (the blocks are wrapped, not copied). */
    public static ByteBuf encodeImage(ObjectImage image, ByteBufAllocator alloc) {
        return Unpooled.wrappedBuffer(encodeAllocation(image.allocation(), alloc),
                Unpooled.wrappedBuffer(image.blocks().duplicate()));
    }

    /** The image in a PEER_GET_OBJ answer or PEER_PUT_OBJ request (copied out; the payload is not released). */
    public static ObjectImage decodeImage(long oid, long versionEpoch, long versionSequence, ByteBuf payload)
            throws SheepException {
        if (payload.readableBytes() < ALLOCATION_BITMAP_BYTES) {
            throw new SheepException(ResultCode.EIO, "object image of " + payload.readableBytes() + " bytes");
        }
        BitSet allocation = decodeAllocation(payload.slice(payload.readerIndex(), ALLOCATION_BITMAP_BYTES));
        int blockBytes = payload.readableBytes() - ALLOCATION_BITMAP_BYTES;
        ByteBuffer blocks = ByteBuffer.allocate(blockBytes);
        payload.getBytes(payload.readerIndex() + ALLOCATION_BITMAP_BYTES, blocks);
        try {
            return new ObjectImage(oid, new ObjectVersion(versionEpoch, versionSequence), allocation, blocks.flip());
        } catch (IllegalArgumentException e) {
            throw new SheepException(ResultCode.EIO, e.getMessage(), e);
        }
    }

    /** The successful answer to a PEER_GET_OBJ request. */
    public static SheepResponse imageResponse(SheepRequest request, ObjectImage image, ByteBufAllocator alloc) {
        return new SheepResponse(request.opcodeCode(), 0, ResultCode.SUCCESS, 0, request.requestId(), 0,
                image.version().epoch(), image.version().sequence(), 0, encodeImage(image, alloc));
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

    /** The successful answer to a PEER_CHECK_OBJ request. */
    public static SheepResponse checkResponse(SheepRequest request, ReplicaDigest replica, ByteBufAllocator alloc) {
        ByteBuf digest = alloc.buffer(ReplicaDigest.DIGEST_BYTES, ReplicaDigest.DIGEST_BYTES);
        digest.writeBytes(replica.digest().asBytes());
        return new SheepResponse(request.opcodeCode(), 0, ResultCode.SUCCESS, 0, request.requestId(), 0,
                replica.version().epoch(), replica.version().sequence(), 0, digest);
    }

    /** What a successful PEER_CHECK_OBJ response says (the payload is not released here). */
    public static ReplicaDigest decodeCheck(SheepResponse response) throws SheepException {
        ByteBuf payload = response.payload();
        if (payload.readableBytes() != ReplicaDigest.DIGEST_BYTES) {
            throw new SheepException(ResultCode.EIO, "replica digest of " + payload.readableBytes()
                    + " bytes instead of " + ReplicaDigest.DIGEST_BYTES);
        }
        byte[] digest = new byte[ReplicaDigest.DIGEST_BYTES];
        payload.getBytes(payload.readerIndex(), digest);
        return new ReplicaDigest(new ObjectVersion(response.arg1(), response.arg2()), HashCode.fromBytes(digest));
    }
}
