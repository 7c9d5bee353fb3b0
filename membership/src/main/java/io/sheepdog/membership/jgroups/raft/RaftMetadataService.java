package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.meta.ClusterFormat;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.LeaderDecider;
import io.sheepdog.membership.meta.MetadataCodec;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataConfig;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.Quorum;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.REDIRECT;

/**
 * {@link ClusterMetadataService} on jgroups-raft. Commands go through REDIRECT to the Raft leader, which appends
 * them to its log; once a majority of the metadata group has them on disk they are committed and applied on every
 * node in log order ({@link RaftStateMachine}). A node that cannot reach a majority has no leader: its commands
 * fail at once with {@link Outcome#NO_MAJORITY}, or with {@link Outcome#TIMEOUT} if the leader was lost while the
 * command was in flight. Results come back only after the command was also applied on this node, so a caller
 * reads its own writes. The read barrier ({@link #sync()}) is a read-only request to the leader (jgroups-raft's
 * {@code getAsync}: answered once a majority confirmed the leader, never logged) for the version it has applied,
 * then the same wait until this node applied it.
 */
final class RaftMetadataService implements ClusterMetadataService {
    private final RAFT raft;
    private final REDIRECT redirect;
    private final RaftStateMachine stateMachine;
    private final RaftBootstrap bootstrap;
    private final Membership membership;
    private final MetadataConfig config;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer;

    RaftMetadataService(RAFT raft, REDIRECT redirect, RaftStateMachine stateMachine, RaftBootstrap bootstrap,
                        Membership membership, MetadataConfig config, LongSupplier clock) {
        this.raft = raft;
        this.redirect = redirect;
        this.stateMachine = stateMachine;
        this.bootstrap = bootstrap;
        this.membership = membership;
        this.config = config;
        this.clock = clock;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "metadata-timer-" + membership.self().hostPort());
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    @Override
    public MetadataState state() {
        return stateMachine.state();
    }

    @Override
    public ClusterStatus status() {
        return LeaderDecider.status(state(), membership.members(), raft.leader() != null, clock.getAsLong());
    }

    @Override
    public CompletableFuture<ClusterFormat> format(int copies, boolean strict) {
        ClusterFormat f;
        try {
            f = new ClusterFormat(UUID.randomUUID().toString(), copies, strict, clock.getAsLong());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MetadataException(Outcome.INVALID, e.getMessage()));
        }
        CompletableFuture<Void> ready;
        if (raft.leader() == null && raft.members().isEmpty()) {
            // Never formatted: found the metadata group first.
            try {
                bootstrap.request();
            } catch (MembershipException e) {
                return CompletableFuture.failedFuture(new MetadataException(Outcome.NOT_RUNNING, e.getMessage(), e));
            }
            ready = awaitLeader(clock.getAsLong() + config.commandTimeout().toMillis());
        } else {
            ready = CompletableFuture.completedFuture(null);
        }
        return ready.thenCompose(v -> submit(new MetadataCommand.Format(f, membership.members())))
                .thenApply(s -> s.format());
    }

    @Override
    public CompletableFuture<MetadataState> sync() {
        if (raft.isLeader() && raft.members().size() == 1) {
            // The only voter: it applies every commit as it makes it (and a read-only request would wait for
            // follower acknowledgements that never come).
            return CompletableFuture.completedFuture(stateMachine.state());
        }
        byte[] query = MetadataCodec.appliedVersionQuery();
        CompletableFuture<byte[]> sent;
        try {
            // A read-only request: the leader answers once a majority confirmed it still leads, nothing is logged.
            sent = redirect.getAsync(query, 0, query.length);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(noMajority(e));
        }
        return appliedHere(sent);
    }

    @Override
    public CompletableFuture<MetadataState> submit(MetadataCommand command) {
        byte[] buf = MetadataCodec.encode(command);
        CompletableFuture<byte[]> sent;
        try {
            sent = redirect.setAsync(buf, 0, buf.length);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(noMajority(e));
        }
        return appliedHere(sent);
    }

    /** The leader's answer (a {@link CommandResult}), then this node's state once it applied that version. */
    private CompletableFuture<MetadataState> appliedHere(CompletableFuture<byte[]> sent) {
        long timeoutMs = config.commandTimeout().toMillis();
        return sent.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).handle((rsp, t) -> {
            if (t != null) {
                return CompletableFuture.<MetadataState>failedFuture(failure(t));
            }
            CommandResult r = MetadataCodec.decodeResult(rsp);
            if (!r.ok()) {
                return CompletableFuture.<MetadataState>failedFuture(new MetadataException(r.outcome(), r.message()));
            }
            return stateMachine.awaitVersion(r.version()).orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(failure(e)));
        }).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<Void> removeMember(NodeId node) {
        try {
            return redirect.removeServer(node.toString())
                    .orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .handle((r, t) -> {
                        if (t != null) {
                            throw new CompletionException(failure(t));
                        }
                        return null;
                    });
        } catch (Exception e) {
            return CompletableFuture.failedFuture(noMajority(e));
        }
    }

    @Override
    public void addListener(MetadataListener listener) {
        stateMachine.addListener(listener);
    }

    @Override
    public void removeListener(MetadataListener listener) {
        stateMachine.removeListener(listener);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Completes when a leader is known, or fails with NO_MAJORITY at {@code deadline}. */
    private CompletableFuture<Void> awaitLeader(long deadline) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (raft.leader() != null) {
                f.complete(null);
            } else if (clock.getAsLong() >= deadline) {
                f.completeExceptionally(noMajority(null));
            } else {
                timer.schedule(check[0], 50, TimeUnit.MILLISECONDS);
            }
        };
        timer.execute(check[0]);
        return f;
    }

    private MetadataException failure(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof MetadataException m) {
            return m;
        }
        if (c instanceof TimeoutException) {
            return new MetadataException(Outcome.TIMEOUT, "cluster metadata change not confirmed within "
                    + config.commandTimeout().toMillis() + " ms; " + reach()
                    + "; it may or may not have been applied", c);
        }
        return noMajority(c);
    }

    private MetadataException noMajority(Throwable cause) {
        return new MetadataException(Outcome.NO_MAJORITY, "cannot change cluster metadata: no leader of the"
                + " metadata group is reachable from this node (" + reach() + ")"
                + (cause != null ? ": " + cause.getMessage() : ""), cause);
    }

    /** "reaches 1 of the 3 metadata members, a majority is 2". */
    private String reach() {
        return Quorum.ofRaftIds(raft.members()).describeReach(membership.members());
    }
}
