package io.sheepdog.daemon.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepJson;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.proto.VdiRequests;
import io.sheepdog.store.ObjectId;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Decodes requests into typed calls on {@link ClusterOps}, {@link VdiOps} and {@link PeerOps} (through
 * {@link PeerRequestAdapter}) and their results into responses (argument layout per operation on {@link Opcode}). Control operations block, so they run on {@code controlExecutor};
 * data operations are asynchronous by contract and start on the caller's thread (the event loop).
 *
 * <p>{@link #dispatch} takes ownership of the request and releases it once the operation is done with its payload.
 * The returned future always completes normally: failures become error responses.
 */
public final class SheepRequestAdapter {

    private final ClusterOps cluster;
    private final VdiOps vdis;
    private final PeerRequestAdapter peer;
    private final Executor controlExecutor;
    private final int maxPayload;

    public SheepRequestAdapter(ClusterOps cluster, VdiOps vdis, Executor controlExecutor, int maxFrameSize) {
        this(cluster, vdis, null, controlExecutor, maxFrameSize);
    }

    /**
     * @param peer where the {@link Opcode.Kind#PEER} operations go; null to answer them NOT_SUPPORTED (a sheep that
     *             stores no replicas, or a test server)
     */
    public SheepRequestAdapter(ClusterOps cluster, VdiOps vdis, PeerOps peer, Executor controlExecutor,
                               int maxFrameSize) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.vdis = Objects.requireNonNull(vdis, "vdis");
        this.peer = peer == null ? null : new PeerRequestAdapter(peer);
        this.controlExecutor = Objects.requireNonNull(controlExecutor, "controlExecutor");
        this.maxPayload = SheepProtocol.maxPayload(maxFrameSize);
    }

    /** Runs {@code request}; the future yields its response, success or error, and never fails. */
    public CompletableFuture<SheepResponse> dispatch(SheepRequest request, ByteBufAllocator alloc) {
        switch (request.opcode().kind()) {
            case CONTROL:
                return runControl(request, alloc);
            case DATA:
                return runData(request, alloc);
            case PEER:
                // Without PeerOps this sheep serves no replicas.
                return peer != null ? peer.dispatch(request, alloc) : notSupported(request, alloc);
            default:
                return notSupported(request, alloc);
        }
    }

    private static CompletableFuture<SheepResponse> notSupported(SheepRequest request, ByteBufAllocator alloc) {
        request.release();
        return CompletableFuture.completedFuture(SheepResponse.error(request.opcodeCode(), request.requestId(),
                ResultCode.NOT_SUPPORTED, request.opcode() + " is not implemented by this sheep", alloc));
    }

    private CompletableFuture<SheepResponse> runControl(SheepRequest request, ByteBufAllocator alloc) {
        CompletableFuture<SheepResponse> result = new CompletableFuture<>();
        try {
            controlExecutor.execute(() -> {
                try {
                    result.complete(control(request, alloc));
                } catch (Throwable t) {
                    result.complete(SheepFailures.toResponse(request, t, alloc));
                } finally {
                    request.release();
                }
            });
        } catch (RejectedExecutionException e) {
            request.release();
            result.complete(SheepResponse.error(request.opcodeCode(), request.requestId(), ResultCode.SHUTDOWN,
                    "sheep is shutting down", alloc));
        }
        return result;
    }

    private SheepResponse control(SheepRequest r, ByteBufAllocator alloc) throws SheepException {
        switch (r.opcode()) {
            case CLUSTER_FORMAT:
                cluster.format((int) copies(r), r.hasFlag(SheepProtocol.FLAG_STRICT),
                        r.hasFlag(SheepProtocol.FLAG_FORCE));
                return SheepResponse.success(r);
            case CLUSTER_INFO:
                return json(r, cluster.info(), alloc);
            case NODE_LIST:
                return json(r, cluster.nodes(), alloc);
            case NODE_REFUSALS:
                return json(r, cluster.refusals(), alloc);
            case NODE_RECOVERY:
                return json(r, cluster.recovery(), alloc);
            case NODE_RECOVERY_THROTTLE:
                if (r.arg0() < 0 || r.arg1() < 1 || r.arg1() > Integer.MAX_VALUE) {
                    throw new SheepException(ResultCode.INVALID_PARAMS, "recovery throttle of " + r.arg0()
                            + " bytes/s and " + r.arg1() + " objects at once is invalid");
                }
                cluster.setRecoveryThrottle(r.arg0(), (int) r.arg1());
                return SheepResponse.success(r);
            case CLUSTER_SHUTDOWN:
                cluster.shutdown();
                return SheepResponse.success(r);
            case CLUSTER_RECOVER_FORCE:
                return json(r, cluster.recoverForce(), alloc);
            case VDI_CREATE:
                return json(r, vdis.create(name(r), nonNegative(r.arg2(), "size"), (int) copies(r)), alloc);
            case VDI_LIST:
                return json(r, vdis.list(), alloc);
            case VDI_LOOKUP:
                return json(r, vdis.lookup(name(r)), alloc);
            case VDI_DELETE:
                vdis.delete(name(r));
                return SheepResponse.success(r);
            case VDI_OBJECTS:
                return json(r, vdis.objects(name(r)), alloc);
            case VDI_SNAPSHOT: {
                VdiRequests.Snapshot q = body(r, VdiRequests.Snapshot.class);
                return json(r, vdis.snapshot(required(r, q.name(), "name"), q.tag() == null ? "" : q.tag()),
                        alloc);
            }
            case VDI_CLONE: {
                VdiRequests.Clone q = body(r, VdiRequests.Clone.class);
                return json(r, vdis.clone(required(r, q.source(), "source"), snapshot(r, q.snapshot()),
                        required(r, q.name(), "name")), alloc);
            }
            case VDI_ROLLBACK: {
                VdiRequests.Rollback q = body(r, VdiRequests.Rollback.class);
                return json(r, vdis.rollback(required(r, q.name(), "name"), snapshot(r, q.snapshot())), alloc);
            }
            case VDI_OBJECT_MAP:
                return json(r, vdis.objectMap(vid(r)), alloc);
            case VDI_FLATTEN:
                return json(r, vdis.flatten(name(r)), alloc);
            case VDI_FREEZE:
                vdis.freeze(vid(r), r.arg1() != 0);
                return SheepResponse.success(r);
            case VDI_DELETE_SNAPSHOT: {
                VdiRequests.DeleteSnapshot q = body(r, VdiRequests.DeleteSnapshot.class);
                vdis.deleteSnapshot(required(r, q.name(), "name"), snapshot(r, q.snapshot()));
                return SheepResponse.success(r);
            }
            case VDI_RESIZE: {
                VdiRequests.Resize q = body(r, VdiRequests.Resize.class);
                return json(r, vdis.resize(required(r, q.name(), "name"), q.size(), q.force()), alloc);
            }
            case CLUSTER_OBJECTS:
                return json(r, vdis.allObjects(), alloc);
            case VDI_LOCKS:
                return json(r, vdis.locks(), alloc);
            case VDI_UNLOCK:
                vdis.unlock(name(r), nonNegative(r.arg2(), "generation"));
                return SheepResponse.success(r);
            case VDI_LOCK_MIGRATE: {
                VdiRequests.MigrateLock q = body(r, VdiRequests.MigrateLock.class);
                return json(r, vdis.migrateLock(required(r, q.name(), "name"), q.toNode() == null ? ""
                        : q.toNode()), alloc);
            }
            case VDI_SET_SHARED:
                vdis.setShared(name(r), r.arg1() != 0);
                return SheepResponse.success(r);
            case OBJ_CHECK:
                return json(r, vdis.check(r.arg0()), alloc);
            default:
                throw new IllegalStateException(r.opcode() + " is not a control operation");
        }
    }

    private CompletableFuture<SheepResponse> runData(SheepRequest r, ByteBufAllocator alloc) {
        CompletableFuture<SheepResponse> result = new CompletableFuture<>();
        try {
            int vid = vid(r);
            switch (r.opcode()) {
                case VDI_READ: {
                    long offset = nonNegative(r.arg1(), "offset");
                    int length = readLength(r);
                    vdis.read(vid, offset, length).whenComplete((data, t) ->
                            result.complete(t == null ? readResponse(r, data, length, alloc)
                                    : SheepFailures.toResponse(r, t, alloc)));
                    break;
                }
                case VDI_WRITE:
                    vdis.write(vid, nonNegative(r.arg1(), "offset"), r.payload(), r.hasFlag(SheepProtocol.FLAG_FUA))
                            .whenComplete((v, t) -> result.complete(t == null ? SheepResponse.success(r)
                                    : SheepFailures.toResponse(r, t, alloc)));
                    break;
                case VDI_ZERO:
                    vdis.zero(vid, nonNegative(r.arg1(), "offset"), nonNegative(r.arg2(), "length"),
                            r.hasFlag(SheepProtocol.FLAG_DISCARD), r.hasFlag(SheepProtocol.FLAG_FUA))
                            .whenComplete((v, t) -> result.complete(t == null ? SheepResponse.success(r)
                                    : SheepFailures.toResponse(r, t, alloc)));
                    break;
                case VDI_FLUSH:
                    vdis.flush(vid).whenComplete((v, t) -> result.complete(t == null ? SheepResponse.success(r)
                            : SheepFailures.toResponse(r, t, alloc)));
                    break;
                default:
                    throw new IllegalStateException(r.opcode() + " is not a data operation");
            }
        } catch (Throwable t) {
            // Invalid arguments, or an implementation that threw instead of failing its future.
            result.complete(SheepFailures.toResponse(r, t, alloc));
        }
        // The payload (write data) must live until the operation is done with it.
        return result.whenComplete((rsp, t) -> r.release());
    }

    private static SheepResponse readResponse(SheepRequest r, ByteBuf data, int length, ByteBufAllocator alloc) {
        if (data == null || data.readableBytes() != length) {
            int got = data == null ? -1 : data.readableBytes();
            if (data != null) {
                data.release();
            }
            return SheepResponse.error(r.opcodeCode(), r.requestId(), ResultCode.EIO,
                    "read of " + length + " bytes returned " + got, alloc);
        }
        return SheepResponse.success(r, data);
    }

    private int readLength(SheepRequest r) throws SheepException {
        if (r.arg2() < 0 || r.arg2() > maxPayload) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    "read length " + Long.toUnsignedString(r.arg2()) + " is out of range 0.." + maxPayload);
        }
        return (int) r.arg2();
    }

    private static SheepResponse json(SheepRequest r, Object value, ByteBufAllocator alloc) {
        return SheepResponse.success(r, SheepJson.encode(alloc, value));
    }

    private static String name(SheepRequest r) throws SheepException {
        String name;
        try {
            name = SheepJson.decode(r.payload(), String.class);
        } catch (IOException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    r.opcode() + " needs a VDI name as a JSON string: " + e.getMessage(), e);
        }
        if (name == null || name.isEmpty()) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + " needs a VDI name");
        }
        return name;
    }

    /** The request's JSON payload as a {@code type}. */
    private static <T extends Record> T body(SheepRequest r, Class<T> type) throws SheepException {
        T body;
        try {
            body = SheepJson.decode(r.payload(), type);
        } catch (IOException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    r.opcode() + " needs a JSON " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        if (body == null) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + " needs a JSON " + type.getSimpleName());
        }
        return body;
    }

    private static String required(SheepRequest r, String value, String what) throws SheepException {
        if (value == null || value.isEmpty()) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + " needs " + what);
        }
        return value;
    }

    private static SnapshotRef snapshot(SheepRequest r, String text) throws SheepException {
        required(r, text, "snapshot");
        try {
            return SnapshotRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SheepException(ResultCode.INVALID_PARAMS, r.opcode() + ": " + e.getMessage(), e);
        }
    }

    private static int vid(SheepRequest r) throws SheepException {
        if (r.arg0() < 0 || r.arg0() > ObjectId.MAX_VDI_ID) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    "VDI id " + Long.toHexString(r.arg0()) + " is out of range");
        }
        return (int) r.arg0();
    }

    private static long copies(SheepRequest r) throws SheepException {
        if (r.arg3() < 0 || r.arg3() > SheepProtocol.MAX_COPIES_OPERAND) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    "copies " + Long.toUnsignedString(r.arg3()) + " is out of range");
        }
        return r.arg3();
    }

    private static long nonNegative(long value, String what) throws SheepException {
        if (value < 0) {
            throw new SheepException(ResultCode.INVALID_PARAMS,
                    what + " " + Long.toUnsignedString(value) + " is out of range");
        }
        return value;
    }
}
