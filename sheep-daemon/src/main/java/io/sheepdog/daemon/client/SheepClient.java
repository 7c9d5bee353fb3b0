package io.sheepdog.daemon.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.api.ClusterInfo;
import io.sheepdog.daemon.api.ClusterOps;
import io.sheepdog.daemon.api.EpochInfo;
import io.sheepdog.daemon.api.NodeInfo;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.RecoveryInfo;
import io.sheepdog.daemon.api.RefusedNode;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiLockInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepJson;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.daemon.proto.VdiRequests;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ClusterOps} and {@link VdiOps} of a remote sheep, over one connection of the sheep protocol.
 *
 * <p>Semantics are those of the interfaces: failures are {@link SheepException}s with the daemon's code and message;
 * an unreachable sheep, a broken connection or a request timeout is {@link ResultCode#NETWORK_ERROR}. Requests are
 * pipelined: any number may be in flight from any threads, answered in any order, matched by request id. The blocking
 * methods must not be called on this client's event loop. {@link #read} yields a buffer the caller releases;
 * {@link #write} leaves the caller's buffer with the caller. Thread-safe.
 *
 * <p>Under the typed methods, {@link #call} sends any request; the sheep daemons' gateway-to-peer traffic uses it.
 */
public final class SheepClient implements ClusterOps, VdiOps, AutoCloseable {

    private final Channel channel;
    private final SheepClientHandler handler;
    private final EventLoopGroup ownedGroup;
    private final String peer;
    private final int maxPayload;
    private final long closeTimeoutNanos;
    private final AtomicLong nextRequestId = new AtomicLong(1);

    private SheepClient(Channel channel, SheepClientHandler handler, EventLoopGroup ownedGroup, String peer,
                        SheepClientConfig config) {
        this.channel = channel;
        this.handler = handler;
        this.ownedGroup = ownedGroup;
        this.peer = peer;
        this.maxPayload = SheepProtocol.maxPayload(config.maxFrameSize());
        this.closeTimeoutNanos = config.closeTimeout().toNanos();
    }

    /**
     * Connects to the sheep at {@code host:port} on a private event loop, waiting at most {@code timeout} for the
     * connection and for each later request.
     *
     * @throws SheepException NETWORK_ERROR, such as "cannot connect to sheep at 127.0.0.1:7000: Connection refused"
     */
    public static SheepClient connect(String host, int port, Duration timeout) throws SheepException {
        return connect(host, port, SheepClientConfig.of(timeout));
    }

    /** Like {@link #connect(String, int, Duration)} with every setting explicit. */
    public static SheepClient connect(String host, int port, SheepClientConfig config) throws SheepException {
        EventLoopGroup group = SheepTransport.newEventLoopGroup(1, "sheep-client", true);
        try {
            return await(connect(group, group, host, port, config));
        } catch (SheepException | RuntimeException e) {
            group.shutdownGracefully(0, config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            throw e;
        }
    }

    /**
     * Connects on a shared event loop group (from {@link SheepTransport#newEventLoopGroup}), which the client uses
     * but does not shut down; for sheep holding connections to many peers. The future fails with a SheepException.
     */
    public static CompletableFuture<SheepClient> connectAsync(EventLoopGroup group, String host, int port,
                                                              SheepClientConfig config) {
        return connect(group, null, host, port, config);
    }

    private static CompletableFuture<SheepClient> connect(EventLoopGroup group, EventLoopGroup owned, String host,
                                                          int port, SheepClientConfig config) {
        Objects.requireNonNull(host, "host");
        String peer = host + ":" + port;
        SheepClientHandler handler = new SheepClientHandler(peer, config.requestTimeout());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(SheepTransport.socketChannelClass(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, SheepTransport.ALLOCATOR)
                .handler(new SheepClientInitializer(config.maxFrameSize(), handler, config.tls(), host, port));
        CompletableFuture<SheepClient> result = new CompletableFuture<>();
        bootstrap.connect(host, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(ConnectFailures.toException(peer, f.cause(), config.connectTimeout()));
                return;
            }
            SslHandler tls = f.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                result.complete(new SheepClient(f.channel(), handler, owned, peer, config));
                return;
            }
            // Connected only once both sides proved who they are: a refused key fails here with its reason, not
            // as a closed connection on the first request.
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    result.complete(new SheepClient(f.channel(), handler, owned, peer, config));
                } else {
                    f.channel().close();
                    result.completeExceptionally(TlsFailures.toException(peer, h.cause()));
                }
            });
        });
        return result;
    }

    /** "host:port" of the sheep this client talks to. */
    public String peer() {
        return peer;
    }

    /** Whether the connection is still up. A closed client stays closed: connect again. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * Sends {@code request} under a fresh request id (the request's own id is ignored) and yields the response, which
     * the caller releases; error responses are responses too (see {@link SheepResponse#toException()}). Takes
     * ownership of the request. The future fails with a SheepException: NETWORK_ERROR if the connection breaks or no
     * answer comes within the request timeout, INVALID_PARAMS if the frame would exceed the cap.
     */
    public CompletableFuture<SheepResponse> call(SheepRequest request) {
        CompletableFuture<SheepResponse> future = new CompletableFuture<>();
        if (request.payload().readableBytes() > maxPayload) {
            request.release();
            future.completeExceptionally(new SheepException(ResultCode.INVALID_PARAMS, "payload of "
                    + request.payload().readableBytes() + " bytes exceeds the limit of " + maxPayload + " bytes"));
            return future;
        }
        SheepRequest stamped = request.withRequestId(nextRequestId.getAndIncrement());
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            handler.send(stamped, future);
        } else {
            try {
                loop.execute(() -> handler.send(stamped, future));
            } catch (RejectedExecutionException e) {
                stamped.release();
                future.completeExceptionally(new SheepException(ResultCode.NETWORK_ERROR,
                        "connection to sheep at " + peer + " closed"));
            }
        }
        return future;
    }

    @Override
    public void format(int copies, boolean strict, boolean force) throws SheepException {
        int flags = (strict ? SheepProtocol.FLAG_STRICT : 0) | (force ? SheepProtocol.FLAG_FORCE : 0);
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.CLUSTER_FORMAT, flags, 0, 0, 0, copies,
                Unpooled.EMPTY_BUFFER)), peer));
    }

    @Override
    public ClusterInfo info() throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.CLUSTER_INFO)), ClusterInfo.class, peer));
    }

    @Override
    public List<NodeInfo> nodes() throws SheepException {
        return block(ResponseMapping.jsonList(call(SheepRequest.of(Opcode.NODE_LIST)), NodeInfo.class, peer));
    }

    @Override
    public List<RefusedNode> refusals() throws SheepException {
        return block(ResponseMapping.jsonList(call(SheepRequest.of(Opcode.NODE_REFUSALS)), RefusedNode.class, peer));
    }

    @Override
    public RecoveryInfo recovery() throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.NODE_RECOVERY)), RecoveryInfo.class, peer));
    }

    @Override
    public void setRecoveryThrottle(long bytesPerSecond, int parallel) throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.NODE_RECOVERY_THROTTLE, 0, bytesPerSecond, parallel,
                0, 0, Unpooled.EMPTY_BUFFER)), peer));
    }

    @Override
    public void shutdown() throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.CLUSTER_SHUTDOWN)), peer));
    }

    @Override
    public EpochInfo recoverForce() throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.CLUSTER_RECOVER_FORCE)), EpochInfo.class, peer));
    }

    @Override
    public VdiInfo create(String name, long size, int copies) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.VDI_CREATE, 0, 0, 0, size, copies,
                nameJson(name))), VdiInfo.class, peer));
    }

    @Override
    public List<VdiInfo> list() throws SheepException {
        return block(ResponseMapping.jsonList(call(SheepRequest.of(Opcode.VDI_LIST)), VdiInfo.class, peer));
    }

    @Override
    public VdiInfo lookup(String name) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.VDI_LOOKUP, 0, 0, 0, 0, 0, nameJson(name))),
                VdiInfo.class, peer));
    }

    @Override
    public void delete(String name) throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_DELETE, 0, 0, 0, 0, 0, nameJson(name))), peer));
    }

    @Override
    public List<Long> objects(String name) throws SheepException {
        return block(ResponseMapping.jsonList(call(SheepRequest.of(Opcode.VDI_OBJECTS, 0, 0, 0, 0, 0,
                nameJson(name))), Long.class, peer));
    }

    @Override
    public List<Long> allObjects() throws SheepException {
        return block(ResponseMapping.jsonList(call(SheepRequest.of(Opcode.CLUSTER_OBJECTS)), Long.class, peer));
    }

    @Override
    public ObjectCheck check(long oid) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.OBJ_CHECK, 0, oid, 0, 0, 0,
                Unpooled.EMPTY_BUFFER)), ObjectCheck.class, peer));
    }

    @Override
    public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
        if (length < 0 || length > maxPayload) {
            return CompletableFuture.failedFuture(new SheepException(ResultCode.INVALID_PARAMS,
                    "read length " + length + " is out of range 0.." + maxPayload));
        }
        return ResponseMapping.bytes(call(SheepRequest.of(Opcode.VDI_READ, 0, vid, offset, length, 0,
                Unpooled.EMPTY_BUFFER)), length, peer);
    }

    @Override
    public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
        int flags = fua ? SheepProtocol.FLAG_FUA : 0;
        // The request owns (and the encoder releases) its own reference; the caller keeps theirs.
        return ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_WRITE, flags, vid, offset,
                data.readableBytes(), 0, data.retainedDuplicate())), peer);
    }

    @Override
    public CompletableFuture<Void> zero(int vid, long offset, long length, boolean discard, boolean fua) {
        int flags = (fua ? SheepProtocol.FLAG_FUA : 0) | (discard ? SheepProtocol.FLAG_DISCARD : 0);
        return ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_ZERO, flags, vid, offset, length, 0,
                Unpooled.EMPTY_BUFFER)), peer);
    }

    @Override
    public CompletableFuture<Void> flush(int vid) {
        return ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_FLUSH, 0, vid, 0, 0, 0, Unpooled.EMPTY_BUFFER)),
                peer);
    }

    /** Closes the connection, failing requests still in flight with NETWORK_ERROR. Idempotent. */
    @Override
    public void close() {
        if (channel.eventLoop().inEventLoop()) {
            // Called from a callback on our own loop: waiting here would wait for ourselves.
            channel.close();
            if (ownedGroup != null) {
                ownedGroup.shutdownGracefully(0, closeTimeoutNanos, TimeUnit.NANOSECONDS);
            }
            return;
        }
        channel.close().awaitUninterruptibly(closeTimeoutNanos, TimeUnit.NANOSECONDS);
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, closeTimeoutNanos, TimeUnit.NANOSECONDS)
                    .awaitUninterruptibly(closeTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public VdiInfo snapshot(String name, String tag) throws SheepException {
        return admin(Opcode.VDI_SNAPSHOT, new VdiRequests.Snapshot(name, tag));
    }

    @Override
    public VdiInfo clone(String source, SnapshotRef snapshot, String name) throws SheepException {
        return admin(Opcode.VDI_CLONE, new VdiRequests.Clone(source, snapshot.toString(), name));
    }

    @Override
    public VdiInfo rollback(String name, SnapshotRef snapshot) throws SheepException {
        return admin(Opcode.VDI_ROLLBACK, new VdiRequests.Rollback(name, snapshot.toString()));
    }

    @Override
    public VdiInfo resize(String name, long size, boolean force) throws SheepException {
        return admin(Opcode.VDI_RESIZE, new VdiRequests.Resize(name, size, force));
    }

    @Override
    public void deleteSnapshot(String name, SnapshotRef snapshot) throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_DELETE_SNAPSHOT, 0, 0, 0, 0, 0,
                SheepJson.encode(SheepTransport.ALLOCATOR, new VdiRequests.DeleteSnapshot(name,
                        snapshot.toString())))), peer));
    }

    @Override
    public int[] objectMap(int vid) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.VDI_OBJECT_MAP, 0, vid, 0, 0, 0,
                Unpooled.EMPTY_BUFFER)), int[].class, peer));
    }

    @Override
    public VdiInfo flatten(String name) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.VDI_FLATTEN, 0, 0, 0, 0, 0, nameJson(name))),
                VdiInfo.class, peer));
    }

    @Override
    public void freeze(int vid, boolean frozen) throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_FREEZE, 0, vid, frozen ? 1 : 0, 0, 0,
                Unpooled.EMPTY_BUFFER)), peer));
    }

    @Override
    public List<VdiLockInfo> locks() throws SheepException {
        return block(ResponseMapping.jsonList(call(SheepRequest.of(Opcode.VDI_LOCKS)), VdiLockInfo.class, peer));
    }

    @Override
    public void unlock(String name, long generation) throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_UNLOCK, 0, 0, 0, generation, 0,
                nameJson(name))), peer));
    }

    @Override
    public VdiLockInfo migrateLock(String name, String toNode) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(Opcode.VDI_LOCK_MIGRATE, 0, 0, 0, 0, 0,
                SheepJson.encode(SheepTransport.ALLOCATOR, new VdiRequests.MigrateLock(name, toNode)))),
                VdiLockInfo.class, peer));
    }

    @Override
    public void setShared(String name, boolean shared) throws SheepException {
        block(ResponseMapping.empty(call(SheepRequest.of(Opcode.VDI_SET_SHARED, 0, 0, shared ? 1 : 0, 0, 0,
                nameJson(name))), peer));
    }

    /** A lifecycle request with a JSON body, answered with the VDI it made or changed. */
    private VdiInfo admin(Opcode op, Record body) throws SheepException {
        return block(ResponseMapping.json(call(SheepRequest.of(op, 0, 0, 0, 0, 0,
                SheepJson.encode(SheepTransport.ALLOCATOR, body))), VdiInfo.class, peer));
    }

    private static ByteBuf nameJson(String name) {
        Objects.requireNonNull(name, "name");
        return SheepJson.encode(SheepTransport.ALLOCATOR, name);
    }

    private <T> T block(CompletableFuture<T> future) throws SheepException {
        if (channel.eventLoop().inEventLoop()) {
            throw new IllegalStateException("blocking sheep call on the client's own event loop");
        }
        return await(future);
    }

    private static <T> T await(CompletableFuture<T> future) throws SheepException {
        try {
            // No timeout here: the handler fails every request at its own deadline or when the connection goes.
            return future.get();
        } catch (ExecutionException e) {
            throw SheepException.of(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SheepException(ResultCode.UNKNOWN, "interrupted while waiting for sheep", e);
        }
    }
}
