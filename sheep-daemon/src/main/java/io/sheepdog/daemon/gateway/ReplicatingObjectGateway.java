package io.sheepdog.daemon.gateway;

import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.EpochRetry;
import io.sheepdog.daemon.peer.PeerOps;
import io.sheepdog.daemon.peer.PeerRouter;
import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.store.ObjectId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway of a cluster: each object request goes to the object's replica nodes of the current epoch, this node's
 * own replica straight to its {@link PeerOps}, the others' over the peer protocol (both through {@link PeerRouter}).
 *
 * <ul>
 * <li>Writes, zeroes and removes go to every replica in parallel and complete when all have (durably, with FUA). If
 *     any fails, the request fails with that failure's code and a message naming the node (the first failing
 *     replica, primary first); it always waits for every replica first, so the caller's buffer is never read after
 *     the future completes.</li>
 * <li>Reads and allocation queries go to one replica: {@link ReadPolicy#LOCAL_FIRST} this node's when it holds one,
 *     else the primary; {@link ReadPolicy#PRIMARY} the primary; {@link ReadPolicy#ROUND_ROBIN} the replicas in
 *     turn. If that replica fails (lost, damaged, unreachable), the others are tried in order; a lost or damaged
 *     replica found so is repaired from the one that answered, in the background.</li>
 * <li>A write or zeroing that some replicas applied while others had lost the object or hold a damaged block
 *     (NO_OBJ, CHECKSUM) repairs those from a replica that applied it, then succeeds. If every replica lost the
 *     object, it fails NO_OBJ (a read too): it is never recreated empty, and the VDI layer tells a lost object from
 *     one another gateway dropped by its inode.</li>
 * <li>In a strict cluster, writes fail HALT while the epoch places fewer copies than the VDI asks for.</li>
 * <li>A flush goes to every data node of the epoch.</li>
 * <li>Epochs: every replica request carries {@link Placement#epoch()}; a replica of another epoch refuses it, and the
 *     request is retried once the views agree, or when this node's epoch moved while it was in flight (see
 *     {@link EpochRetry}). Call {@link #epochChanged()} on every epoch change to wake waiting requests.</li>
 * </ul>
 * A completed read advances {@code dst}'s position and a completed write
 * {@code src}'s. A node answering nothing fails the request with NETWORK_ERROR within the peer request timeout.
 */
public final class ReplicatingObjectGateway implements ObjectGateway {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatingObjectGateway.class);

    private static final String LOST_OR_DAMAGED = "lost or damaged";

    private final Placement placement;
    private final ReadPolicy readPolicy;
    private final IntUnaryOperator copiesOfVdi;
    private final BooleanSupplier strict;
    private final PeerRouter peers;
    private final EpochRetry retry;
    private final GatewayMetrics metrics;
    private final AtomicLong turn = new AtomicLong();

    /**
     * @param placement   where objects live in the current epoch
     * @param readPolicy  which replica serves reads
     * @param copiesOfVdi the copy count of a VDI id (the VDI's own, or the cluster default)
     * @param strict      whether writes must fail while the epoch places fewer copies than asked for
     *                    ({@code cluster format --strict})
     * @param peers       this node's replicas and the connections to the others
     * @param retry       how requests wait for the epochs to agree (its epoch must be {@code placement}'s)
     * @param metrics     where repairs are counted
     */
    public ReplicatingObjectGateway(Placement placement, ReadPolicy readPolicy, IntUnaryOperator copiesOfVdi,
                                    BooleanSupplier strict, PeerRouter peers, EpochRetry retry,
                                    GatewayMetrics metrics) {
        this.placement = Objects.requireNonNull(placement, "placement");
        this.readPolicy = Objects.requireNonNull(readPolicy, "readPolicy");
        this.copiesOfVdi = Objects.requireNonNull(copiesOfVdi, "copiesOfVdi");
        this.strict = Objects.requireNonNull(strict, "strict");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Tells waiting requests that {@link Placement#epoch()} changed, so they retry now rather than at their next poll. */
    public void epochChanged() {
        retry.epochChanged();
    }

    @Override
    public CompletableFuture<Void> read(long oid, long offset, ByteBuffer dst) {
        int length = dst.remaining();
        return onSuccess(retry.run(() -> "read of object " + ObjectId.toString(oid),
                e -> one(e, oid, p -> p.read(e, oid, offset, dst))), () -> dst.position(dst.position() + length));
    }

    @Override
    public CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua) {
        return write(oid, offset, src, mode, fua, WritePermit.ALWAYS);
    }

    /** A write whose {@code permit} is asked before every attempt, so a retry under a new epoch asks again. */
    @Override
    public CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua,
                                         WritePermit permit) {
        return onSuccess(retry.run(() -> "write of object " + ObjectId.toString(oid),
                e -> ObjectGateway.permitted(permit, () -> repairing(e, oid, writeReplicas(oid),
                        p -> p.write(e, oid, offset, src, mode, fua)))),
                () -> src.position(src.limit()));
    }

    @Override
    public CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua) {
        return zero(oid, offset, length, discard, fua, WritePermit.ALWAYS);
    }

    @Override
    public CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua,
                                        WritePermit permit) {
        return retry.run(() -> "zeroing of object " + ObjectId.toString(oid),
                e -> ObjectGateway.permitted(permit, () -> repairing(e, oid, writeReplicas(oid),
                        p -> p.zero(e, oid, offset, length, discard, fua))));
    }

    @Override
    public CompletableFuture<Void> remove(long oid) {
        return retry.run(() -> "removal of object " + ObjectId.toString(oid),
                e -> all(replicas(oid), p -> p.remove(e, oid)));
    }

    @Override
    public CompletableFuture<BitSet> allocation(long oid) {
        return retry.run(() -> "allocation of object " + ObjectId.toString(oid), e -> one(e, oid,
                p -> p.allocation(e, oid)));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return retry.run(() -> "flush", e -> all(placement.dataNodes(), p -> p.flush(e)));
    }

    /** {@code f}, running {@code action} first if it succeeds; failures stay unwrapped SheepExceptions. */
    private static CompletableFuture<Void> onSuccess(CompletableFuture<Void> f, Runnable action) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        f.whenComplete((v, t) -> {
            if (t != null) {
                result.completeExceptionally(SheepException.unwrap(t));
                return;
            }
            action.run();
            result.complete(null);
        });
        return result;
    }

    /** The replicas of {@code oid} in the current epoch, primary first; fails if there are none. */
    private List<NodeAddress> replicas(long oid) {
        int copies = copiesOfVdi.applyAsInt(ObjectId.vid(oid));
        List<NodeAddress> nodes = placement.replicas(oid, copies);
        if (nodes.isEmpty()) {
            throw new GatewayFailure(new SheepException(ResultCode.EIO, "no data node holds object "
                    + ObjectId.toString(oid) + " (" + copies + " copies) in epoch " + placement.epoch()));
        }
        return nodes;
    }

    /** The replicas a write must reach; fails HALT in a strict cluster that places fewer copies than asked. */
    private List<NodeAddress> writeReplicas(long oid) {
        List<NodeAddress> nodes = replicas(oid);
        int copies = copiesOfVdi.applyAsInt(ObjectId.vid(oid));
        if (nodes.size() < copies && strict.getAsBoolean()) {
            throw new GatewayFailure(new SheepException(ResultCode.HALT, "the cluster is strict and epoch "
                    + placement.epoch() + " places only " + nodes.size() + " of " + copies + " copies of object "
                    + ObjectId.toString(oid) + " (too few zones): writes wait until enough nodes are back"));
        }
        return nodes;
    }

    /**
     * Runs {@code op} on the replica the read policy picks, then on the others in turn while they fail with
     * anything but an epoch mismatch; repairs the lost or damaged replicas it met from the one that answered.
     */
    private <T> CompletableFuture<T> one(long epoch, long oid, Function<PeerOps, CompletableFuture<T>> op) {
        List<NodeAddress> nodes = replicas(oid);
        List<NodeAddress> order = new ArrayList<>(nodes.size());
        order.add(pick(nodes));
        nodes.stream().filter(n -> !n.equals(order.get(0))).forEach(order::add);
        CompletableFuture<T> result = new CompletableFuture<>();
        tryInTurn(epoch, oid, order, 0, op, new ArrayList<>(), null, true, result);
        return result;
    }

    /** {@code noneHeldIt}: every replica tried before {@code i} answered NO_OBJ. */
    private <T> void tryInTurn(long epoch, long oid, List<NodeAddress> order, int i,
                               Function<PeerOps, CompletableFuture<T>> op, List<NodeAddress> damaged,
                               SheepException first, boolean noneHeldIt, CompletableFuture<T> result) {
        on(order.get(i), op).whenComplete((v, t) -> {
            if (t == null) {
                result.complete(v);
                damaged.forEach(bad -> repair(epoch, oid, order.get(i), bad, LOST_OR_DAMAGED));
                return;
            }
            SheepException e = (SheepException) t;
            SheepException firstFailure = first == null ? e : first;
            boolean noneHoldsIt = noneHeldIt && e.result() == ResultCode.NO_OBJ;
            if (isEpochMismatch(e) || i + 1 == order.size()) {
                result.completeExceptionally(isEpochMismatch(e) ? e
                        : lostEverywhere(oid, firstFailure, order, noneHoldsIt));
                return;
            }
            if (isDamage(e)) {
                damaged.add(order.get(i));
            }
            tryInTurn(epoch, oid, order, i + 1, op, damaged, firstFailure, noneHoldsIt, result);
        });
    }

    /**
     * Every replica failed a read. When every one answered that it holds no replica: NO_OBJ, which the VDI layer
     * answers by reading the object's map entry anew (another gateway may have dropped the object). Otherwise the
     * first failure, as EIO naming the object when it was lost or damaged.
     */
    private static SheepException lostEverywhere(long oid, SheepException first, List<NodeAddress> tried,
                                                 boolean noneHoldsIt) {
        if (noneHoldsIt) {
            return new SheepException(ResultCode.NO_OBJ, "no replica holds object " + ObjectId.toString(oid) + " ("
                    + tried.size() + " tried; first: " + first.getMessage() + ")", first);
        }
        if (first.result() == ResultCode.NO_OBJ || first.result() == ResultCode.CHECKSUM) {
            return new SheepException(ResultCode.EIO, "no replica of object " + ObjectId.toString(oid)
                    + " could be read (" + tried.size() + " tried; first: " + first.getMessage() + ")", first);
        }
        return first;
    }

    /**
     * Runs a write-like {@code op} on every replica; replicas that lost the object or hold a damaged block are
     * repaired from one that applied it, and then the request succeeds.
     */
    private CompletableFuture<Void> repairing(long epoch, long oid, List<NodeAddress> nodes,
                                              Function<PeerOps, CompletableFuture<Void>> op) {
        List<CompletableFuture<Void>> calls = new ArrayList<>(nodes.size());
        for (NodeAddress n : nodes) {
            calls.add(on(n, op));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((v, ignored) -> calls)
                .thenCompose(done -> {
                    List<NodeAddress> damaged = new ArrayList<>();
                    NodeAddress good = null;
                    for (int i = 0; i < nodes.size(); i++) {
                        SheepException e = failure(done.get(i));
                        if (e == null) {
                            good = good == null ? nodes.get(i) : good;
                        } else if (isDamage(e)) {
                            damaged.add(nodes.get(i));
                        }
                    }
                    if (damaged.isEmpty() || good == null) {
                        return all(done);
                    }
                    NodeAddress from = good;
                    CompletableFuture<?>[] repairs = damaged.stream()
                            .map(bad -> repair(epoch, oid, from, bad, LOST_OR_DAMAGED))
                            .toArray(CompletableFuture[]::new);
                    return CompletableFuture.allOf(repairs).handle((x, t) -> t == null ? null : t)
                            .thenCompose(t -> t == null ? allBut(done, nodes, damaged) : all(done));
                });
    }

    /**
     * Checks every replica of {@code oid} and repairs the missing, damaged, stale and divergent ones from a good copy
     * (see {@link ReplicaCheck}); retried under a new epoch like any request.
     */
    @Override
    public CompletableFuture<ObjectCheck> check(long oid) {
        return retry.run(() -> "check of object " + ObjectId.toString(oid), e -> ReplicaCheck.run(oid, replicas(oid),
                n -> on(n, p -> p.check(e, oid)), (good, bad, why) -> repair(e, oid, good, bad, why)));
    }

    /** Copies {@code oid} whole from {@code good} to {@code bad} under {@code epoch}; {@code why} is for the log. */
    private CompletableFuture<Void> repair(long epoch, long oid, NodeAddress good, NodeAddress bad, String why) {
        CompletableFuture<Void> f = on(good, p -> p.getObject(epoch, oid))
                .thenCompose(image -> on(bad, p -> p.putObject(epoch, image, true)));
        f.whenComplete((v, t) -> {
            if (t == null) {
                metrics.replicaRepaired();
                LOG.warn("repaired object {} on {} from {}: its replica was {}", ObjectId.toString(oid),
                        bad.hostPort(), good.hostPort(), why);
            } else {
                LOG.error("repair of object {} on {} from {} failed: {}", ObjectId.toString(oid), bad.hostPort(),
                        good.hostPort(), SheepException.unwrap(t).getMessage());
            }
        });
        return f;
    }

    private static boolean isDamage(SheepException e) {
        return e.result() == ResultCode.NO_OBJ || e.result() == ResultCode.CHECKSUM;
    }

    static boolean isEpochMismatch(SheepException e) {
        return e.result() == ResultCode.OLD_NODE_VER || e.result() == ResultCode.NEW_NODE_VER;
    }

    private static SheepException failure(CompletableFuture<Void> call) {
        if (!call.isCompletedExceptionally()) {
            return null;
        }
        return (SheepException) SheepException.unwrap(call.handle((x, t) -> t).join());
    }

    private NodeAddress pick(List<NodeAddress> nodes) {
        switch (readPolicy) {
            case LOCAL_FIRST:
                for (NodeAddress n : nodes) {
                    if (peers.isSelf(n)) {
                        return n;
                    }
                }
                return nodes.get(0);
            case PRIMARY:
                return nodes.get(0);
            case ROUND_ROBIN:
                return nodes.get((int) Math.floorMod(turn.getAndIncrement(), (long) nodes.size()));
            default:
                throw new IllegalStateException("unknown read policy " + readPolicy);
        }
    }

    /**
     * Runs {@code op} on every node in parallel; completes when all have, failing with the first hard failure in
     * node order, else the first epoch mismatch (which {@link EpochRetry} retries).
     */
    private CompletableFuture<Void> all(List<NodeAddress> nodes, Function<PeerOps, CompletableFuture<Void>> op) {
        List<CompletableFuture<Void>> calls = new ArrayList<>(nodes.size());
        for (NodeAddress n : nodes) {
            calls.add(on(n, op));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).handle((v, ignored) -> calls)
                .thenCompose(ReplicatingObjectGateway::all);
    }

    /**
     * The outcome of completed {@code calls}: the first hard failure in order; else the first retryable one (an
     * epoch mismatch or an unreachable replica, which {@link EpochRetry} retries); else the first lost or damaged
     * replica. Damage comes last because it is repaired from a replica that answers: when every replica that
     * answered had lost the object, the unreachable one may hold it, and the retry (under a new epoch, or once it
     * answers again) can repair the others from it instead of failing the client at once.
     */
    private static CompletableFuture<Void> all(List<CompletableFuture<Void>> calls) {
        SheepException retryable = null;
        SheepException damage = null;
        for (CompletableFuture<Void> c : calls) {
            SheepException e = failure(c);
            if (e == null) {
                continue;
            }
            if (isEpochMismatch(e) || e.result() == ResultCode.NETWORK_ERROR) {
                retryable = retryable == null ? e : retryable;
            } else if (isDamage(e)) {
                damage = damage == null ? e : damage;
            } else {
                return CompletableFuture.failedFuture(e);
            }
        }
        SheepException first = retryable != null ? retryable : damage;
        return first == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(first);
    }

    /** {@link #all(List)} of the calls except those to {@code repaired} nodes. */
    private static CompletableFuture<Void> allBut(List<CompletableFuture<Void>> calls, List<NodeAddress> nodes,
                                                  List<NodeAddress> repaired) {
        List<CompletableFuture<Void>> rest = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!repaired.contains(nodes.get(i))) {
                rest.add(calls.get(i));
            }
        }
        return all(rest);
    }

    private <T> CompletableFuture<T> on(NodeAddress node, Function<PeerOps, CompletableFuture<T>> op) {
        return peers.on(node, op);
    }

    /** Carries a SheepException through a CompletableFuture stage that may only throw unchecked exceptions. */
    private static final class GatewayFailure extends CompletionException {
        private static final long serialVersionUID = 1L;

        GatewayFailure(SheepException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
