package io.sheepdog.daemon.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.ResponseMapping;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.PeerWire;
import io.sheepdog.daemon.proto.ReplicaDigest;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectImage;
import io.sheepdog.store.ObjectInfo;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link PeerOps} of a remote sheep over a {@link SheepClient} connection (the publisher side of the peer opcodes;
 * formats on {@link Opcode} and {@link PeerWire}). Pipelined like the client under it.
 *
 * <p>Buffers: a write sends a view of {@code src}, not a copy; a read copies the response payload into {@code dst}
 * on the connection's event loop when the answer arrives, and never after the future failed (a late answer to a
 * timed-out request is dropped). Failures are SheepExceptions: the peer's code and message, or NETWORK_ERROR.
 */
public final class PeerClient implements PeerOps {

    private final SheepClient client;

    public PeerClient(SheepClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The connection under this client. */
    public SheepClient connection() {
        return client;
    }

    @Override
    public CompletableFuture<Void> read(long epoch, long oid, long offset, ByteBuffer dst) {
        int length = dst.remaining();
        ByteBuffer target = dst.duplicate();
        return ResponseMapping.map(call(Opcode.PEER_READ_OBJ, 0, epoch, oid, offset, length, Unpooled.EMPTY_BUFFER),
                client.peer(), ok -> {
                    ByteBuf payload = ok.payload();
                    if (payload.readableBytes() != length) {
                        throw new SheepException(ResultCode.EIO, "sheep at " + client.peer() + " answered "
                                + ok.opcodeName() + " with " + payload.readableBytes() + " bytes instead of "
                                + length);
                    }
                    payload.getBytes(payload.readerIndex(), target);
                    return null;
                });
    }

    @Override
    public CompletableFuture<Void> write(long epoch, long oid, long offset, ByteBuffer src, WriteMode mode,
                                         boolean fua) {
        int flags = mode.flags() | (fua ? SheepProtocol.FLAG_FUA : 0);
        ByteBuf data = src.hasRemaining() ? Unpooled.wrappedBuffer(src.duplicate()) : Unpooled.EMPTY_BUFFER;
        return ResponseMapping.empty(call(Opcode.PEER_WRITE_OBJ, flags, epoch, oid, offset, data.readableBytes(),
                data), client.peer());
    }

    @Override
    public CompletableFuture<Void> zero(long epoch, long oid, long offset, long length, boolean discard,
                                        boolean fua) {
        int flags = (discard ? SheepProtocol.FLAG_DISCARD : 0) | (fua ? SheepProtocol.FLAG_FUA : 0);
        return ResponseMapping.empty(call(Opcode.PEER_ZERO_OBJ, flags, epoch, oid, offset, length,
                Unpooled.EMPTY_BUFFER), client.peer());
    }

    @Override
    public CompletableFuture<Void> remove(long epoch, long oid) {
        return ResponseMapping.empty(call(Opcode.PEER_REMOVE_OBJ, 0, epoch, oid, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer());
    }

    @Override
    public CompletableFuture<BitSet> allocation(long epoch, long oid) {
        return ResponseMapping.map(call(Opcode.PEER_ALLOCATION, 0, epoch, oid, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer(), ok -> PeerWire.decodeAllocation(ok.payload()));
    }

    @Override
    public CompletableFuture<Void> flush(long epoch) {
        return ResponseMapping.empty(call(Opcode.PEER_FLUSH, 0, epoch, 0, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer());
    }

    @Override
    public CompletableFuture<Optional<ObjectInfo>> stat(long epoch, long oid) {
        return ResponseMapping.map(call(Opcode.PEER_STAT_OBJ, 0, epoch, oid, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer(), ok -> PeerWire.decodeStat(oid, ok));
    }

    @Override
    public CompletableFuture<List<ObjectInfo>> listObjects(long epoch) {
        return ResponseMapping.map(call(Opcode.PEER_LIST_OBJ, 0, epoch, 0, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer(), ok -> PeerWire.decodeList(ok.payload()));
    }

    @Override
    public CompletableFuture<ObjectImage> getObject(long epoch, long oid) {
        return ResponseMapping.map(call(Opcode.PEER_GET_OBJ, 0, epoch, oid, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer(), ok -> PeerWire.decodeImage(oid, ok.arg1(), ok.arg2(), ok.payload()));
    }

    @Override
    public CompletableFuture<Void> putObject(long epoch, ObjectImage image, boolean fua) {
        return ResponseMapping.empty(client.call(new SheepRequest(Opcode.PEER_PUT_OBJ, fua ? SheepProtocol.FLAG_FUA
                : 0, epoch, 0, image.oid(), image.version().epoch(), image.version().sequence(), 0,
                PeerWire.encodeImage(image, Unpooled.EMPTY_BUFFER.alloc()))), client.peer());
    }

    @Override
    public CompletableFuture<ReplicaDigest> check(long epoch, long oid) {
        return ResponseMapping.map(call(Opcode.PEER_CHECK_OBJ, 0, epoch, oid, 0, 0, Unpooled.EMPTY_BUFFER),
                client.peer(), PeerWire::decodeCheck);
    }

    private CompletableFuture<SheepResponse> call(Opcode op, int flags, long epoch, long oid, long offset, long length,
                                                 ByteBuf payload) {
        return client.call(new SheepRequest(op, flags, epoch, 0, oid, offset, length, 0, payload));
    }
}
