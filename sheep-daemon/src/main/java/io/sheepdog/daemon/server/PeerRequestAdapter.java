package io.sheepdog.daemon.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.PeerWire;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Decodes {@link Opcode.Kind#PEER} requests into calls on {@link PeerOps} and their results into responses (layout on
 * {@link Opcode} and {@link PeerWire}). Calls start on the event loop; {@code PeerOps} is asynchronous by contract.
 *
 * <p>{@link #dispatch} takes ownership of the request and releases it only when the operation is done with its
 * payload (write data is handed to the store as a view, not copied). The returned future never fails.
 */
final class PeerRequestAdapter {

    private final PeerOps peer;

    PeerRequestAdapter(PeerOps peer) {
        this.peer = Objects.requireNonNull(peer, "peer");
    }

    CompletableFuture<SheepResponse> dispatch(SheepRequest r, ByteBufAllocator alloc) {
        CompletableFuture<SheepResponse> result = new CompletableFuture<>();
        try {
            long oid = r.arg0();
            long epoch = r.epoch();
            switch (r.opcode()) {
                case PEER_READ_OBJ:
                    read(r, alloc, result);
                    break;
                case PEER_WRITE_OBJ:
                    complete(r, alloc, result, peer.write(epoch, oid, offset(r, r.payload().readableBytes()),
                            payloadView(r), writeMode(r), r.hasFlag(SheepProtocol.FLAG_FUA)));
                    break;
                case PEER_ZERO_OBJ:
                    complete(r, alloc, result, peer.zero(epoch, oid, offset(r, length(r)), length(r),
                            r.hasFlag(SheepProtocol.FLAG_DISCARD), r.hasFlag(SheepProtocol.FLAG_FUA)));
                    break;
                case PEER_REMOVE_OBJ:
                    complete(r, alloc, result, peer.remove(epoch, oid));
                    break;
                case PEER_FLUSH:
                    complete(r, alloc, result, peer.flush(epoch));
                    break;
                case PEER_ALLOCATION:
                    peer.allocation(epoch, oid).whenComplete((bits, t) -> result.complete(t == null
                            ? SheepResponse.success(r, PeerWire.encodeAllocation(bits, alloc))
                            : SheepFailures.toResponse(r, t, alloc)));
                    break;
                case PEER_STAT_OBJ:
                    peer.stat(epoch, oid).whenComplete((info, t) -> result.complete(t == null
                            ? PeerWire.statResponse(r, info) : SheepFailures.toResponse(r, t, alloc)));
                    break;
                case PEER_LIST_OBJ:
                    peer.listObjects(epoch).whenComplete((list, t) -> result.complete(t == null
                            ? SheepResponse.success(r, PeerWire.encodeList(list, alloc))
                            : SheepFailures.toResponse(r, t, alloc)));
                    break;
                case PEER_GET_OBJ:
                    peer.getObject(epoch, oid).whenComplete((image, t) -> result.complete(t == null
                            ? PeerWire.imageResponse(r, image, alloc) : SheepFailures.toResponse(r, t, alloc)));
                    break;
                case PEER_PUT_OBJ:
                    complete(r, alloc, result, peer.putObject(epoch, PeerWire.decodeImage(oid, r.arg1(), r.arg2(),
                            r.payload()), r.hasFlag(SheepProtocol.FLAG_FUA)));
                    break;
                case PEER_CHECK_OBJ:
                    peer.check(epoch, oid).whenComplete((digest, t) -> result.complete(t == null
                            ? PeerWire.checkResponse(r, digest, alloc) : SheepFailures.toResponse(r, t, alloc)));
                    break;
                default:
                    throw new IllegalStateException(r.opcode() + " is not a peer operation");
            }
        } catch (Throwable t) {
            // Invalid arguments, or an implementation that threw instead of failing its future.
            result.complete(SheepFailures.toResponse(r, t, alloc));
        }
        return result.whenComplete((rsp, t) -> r.release());
    }

    /** Reads into a fresh buffer, which becomes the response payload; released if the read fails. */
    private void read(SheepRequest r, ByteBufAllocator alloc, CompletableFuture<SheepResponse> result)
            throws SheepException {
        int length = length(r);
        long offset = offset(r, length);
        ByteBuf data = length == 0 ? Unpooled.EMPTY_BUFFER : alloc.buffer(length, length);
        ByteBuffer dst;
        try {
            dst = data.nioBuffer(0, length);
        } catch (RuntimeException e) {
            data.release();
            throw e;
        }
        peer.read(r.epoch(), r.arg0(), offset, dst).whenComplete((v, t) -> {
            if (t == null) {
                data.writerIndex(length);
                result.complete(SheepResponse.success(r, data));
            } else {
                data.release();
                result.complete(SheepFailures.toResponse(r, t, alloc));
            }
        });
    }

    private static void complete(SheepRequest r, ByteBufAllocator alloc, CompletableFuture<SheepResponse> result,
                                 CompletableFuture<Void> op) {
        op.whenComplete((v, t) -> result.complete(t == null ? SheepResponse.success(r)
                : SheepFailures.toResponse(r, t, alloc)));
    }

    /** The write payload as a ByteBuffer view (a copy only if the payload spans several buffers). */
    private static ByteBuffer payloadView(SheepRequest r) {
        ByteBuf p = r.payload();
        return p.nioBufferCount() == 1 ? p.nioBuffer() : ByteBuffer.wrap(ByteBufUtil.getBytes(p));
    }

    private static int length(SheepRequest r) throws SheepException {
        if (r.arg2() < 0 || r.arg2() > ObjectLayout.OBJECT_SIZE) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + " length "
                    + Long.toUnsignedString(r.arg2()) + " is out of range 0.." + ObjectLayout.OBJECT_SIZE);
        }
        return (int) r.arg2();
    }

    private static WriteMode writeMode(SheepRequest r) throws SheepException {
        try {
            return WriteMode.ofFlags(r.flags());
        } catch (IllegalArgumentException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + ": " + e.getMessage());
        }
    }

    private static long offset(SheepRequest r, long length) throws SheepException {
        if (r.arg1() < 0 || r.arg1() > ObjectLayout.OBJECT_SIZE - length) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + " range at offset "
                    + Long.toUnsignedString(r.arg1()) + " of " + length + " bytes is outside the object");
        }
        return r.arg1();
    }
}
