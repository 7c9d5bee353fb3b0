package io.sheepdog.membership.local;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.meta.ClusterFormat;
import io.sheepdog.membership.meta.ClusterMetadata;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.LeaderDecider;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.Quorum;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterMetadataService} on a {@link LocalNetwork}'s {@link LocalMetadataLog}: the same contract as the
 * Raft implementation (majority commits, NO_MAJORITY in a minority, listeners on one thread in log order),
 * synchronous and in-process. The leader is the voter with the lowest node id among those that see a majority; it
 * carries out the same {@link LeaderDecider} as the Raft leader (voters added one at a time, epochs), on the
 * listener thread whenever something changed ({@link #poke()}). It needs no periodic tick: nothing here is lost in
 * flight, since a proposal ends (applied or refused) before {@code submit} returns.
 */
public final class LocalMetadataService implements ClusterMetadataService {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMetadataService.class);

    private final LocalNetwork network;
    private final NodeAddress self;
    private final LongSupplier clock;
    private final ClusterMetadata metadata = new ClusterMetadata();
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final LeaderDecider decider = new LeaderDecider();
    private LocalMembership membership;
    private int applied;

    LocalMetadataService(LocalNetwork network, NodeAddress self, LongSupplier clock) {
        this.network = network;
        this.self = self;
        this.clock = clock;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metadata-events-" + self.hostPort());
            t.setDaemon(true);
            return t;
        });
    }

    void attach(LocalMembership m) {
        this.membership = m;
    }

    NodeId id() {
        return self.id();
    }

    LocalMembership membership() {
        return membership;
    }

    int appliedIndex() {
        synchronized (network) {
            return applied;
        }
    }

    /** Replays this node's disk and joins the log. */
    void open() {
        synchronized (network) {
            for (MetadataCommand c : network.log().open(this)) {
                metadata.apply(c);
                applied++;
            }
        }
        MetadataState s = metadata.state();
        thread.execute(() -> listeners.forEach(l -> l.restored(s)));
    }

    /** Applies the committed commands this node has not applied yet; returns the result of the last one. */
    CommandResult catchUp(List<MetadataCommand> committed) {
        CommandResult last = null;
        while (applied < committed.size()) {
            MetadataCommand c = committed.get(applied++);
            CommandResult r = metadata.apply(c);
            MetadataState after = metadata.state();
            thread.execute(() -> listeners.forEach(l -> l.applied(c, r, after)));
            last = r;
        }
        poke();
        return last;
    }

    /** The voters (node ids in hex, sorted). */
    List<String> voters() {
        return network.log().voters().voters().stream().map(NodeId::toString).sorted().toList();
    }

    @Override
    public MetadataState state() {
        return metadata.state();
    }

    @Override
    public ClusterStatus status() {
        List<MemberInfo> live = membership.members();
        return LeaderDecider.status(state(), live, network.log().hasMajority(live), clock.getAsLong());
    }

    @Override
    public CompletableFuture<ClusterFormat> format(int copies, boolean strict) {
        try {
            ClusterFormat f = new ClusterFormat(UUID.randomUUID().toString(), copies, strict, clock.getAsLong());
            return submit(new MetadataCommand.Format(f, membership.members())).thenApply(MetadataState::format);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MetadataException(Outcome.INVALID, e.getMessage()));
        }
    }

    @Override
    public CompletableFuture<MetadataState> sync() {
        // A node that sees a majority has applied every commit already (the log applies them synchronously).
        synchronized (network) {
            if (network.log().hasMajority(network.visibleTo(membership))) {
                return CompletableFuture.completedFuture(metadata.state());
            }
        }
        return CompletableFuture.failedFuture(new MetadataException(Outcome.NO_MAJORITY,
                "cannot confirm the cluster metadata: no majority of the metadata group is reachable"));
    }

    @Override
    public CompletableFuture<MetadataState> submit(MetadataCommand command) {
        try {
            CommandResult r = network.log().submit(this, network.visibleTo(membership), command);
            r.orThrow();
            return CompletableFuture.completedFuture(metadata.state());
        } catch (MetadataException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> removeMember(NodeId node) {
        return CompletableFuture.failedFuture(new MetadataException(Outcome.INVALID,
                "removing metadata members is not supported by the local implementation"));
    }

    @Override
    public void addListener(MetadataListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(MetadataListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
        network.log().close(this);
        thread.shutdown();
    }

    /** Schedules the leader's duties (coalesced). */
    void poke() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(this::leaderDuties);
            } catch (RejectedExecutionException e) {
                queued.set(false);
            }
        }
    }

    private void leaderDuties() {
        queued.set(false);
        LocalMembership m = membership;
        if (m == null || m.members().isEmpty()) {
            return;
        }
        List<MemberInfo> visible = network.visibleTo(m);
        LocalMetadataLog log = network.log();
        Quorum voters = log.voters();
        if (!voters.reachedBy(visible)) {
            return;
        }
        // Raft's election, simplified: the voter with the lowest id among those that see a majority leads.
        NodeId leader = visible.stream().map(MemberInfo::id).filter(voters::contains)
                .min(Comparator.comparingLong(NodeId::value)).orElse(null);
        if (!self.id().equals(leader)) {
            return;
        }
        LeaderDecider.Plan plan = decider.next(state(), visible, voters, clock.getAsLong());
        plan.addVoter().ifPresent(v -> {
            log.addVoter(v);
            decider.addFinished(v.id());
            poke(); // the next one, if any
        });
        plan.propose().ifPresent(c -> submit(c).whenComplete((s, t) -> {
            decider.proposalFinished(c);
            if (t != null) {
                LOG.info("local metadata leader {}: {} not applied: {}", self.hostPort(), LeaderDecider.describe(c),
                        t.getMessage());
            }
        }));
    }
}
