package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.LeaderDecider;
import io.sheepdog.membership.meta.MetadataCodec;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.Quorum;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jgroups.protocols.raft.RAFT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft leader's duties besides replicating, carried out on jgroups-raft: {@link LeaderDecider} decides (which
 * member to make a voter, which epoch command to propose), this class adds voters with {@code RAFT.addServer} and
 * proposes through RAFT. Runs on one thread, and only while this node leads; {@link #poke()} after any change
 * (view, role, applied command) and a periodic tick re-evaluate, so a proposal lost in a leader change is made
 * again by the next leader. Never removes members on its own (see {@link LeaderDecider}).
 */
final class LeaderDuties implements AutoCloseable {
    /** How often the leader re-evaluates without being poked, by default. */
    static final Duration DEFAULT_TICK = Duration.ofSeconds(2);
    /** How often the leader re-sends what followers have not acknowledged, whatever else RAFT is busy with. */
    static final Duration RESEND_PERIOD = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);

    private final RAFT raft;
    private final Membership membership;
    private final RaftStateMachine stateMachine;
    private final LongSupplier clock;
    private final LeaderDecider decider = new LeaderDecider();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile List<NodeAddress> lastWait = List.of();

    /**
     * @param name  names the thread
     * @param clock wall-clock milliseconds, for epoch start times
     * @param tick  how often to re-evaluate without a poke ({@link #DEFAULT_TICK})
     */
    LeaderDuties(String name, RAFT raft, Membership membership, RaftStateMachine stateMachine, LongSupplier clock,
                 Duration tick) {
        this.raft = raft;
        this.membership = membership;
        this.stateMachine = stateMachine;
        this.clock = clock;
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "metadata-leader-" + name);
            th.setDaemon(true);
            return th;
        });
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = t;
        thread.scheduleWithFixedDelay(this::poke, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::resendToLaggingFollowers, RESEND_PERIOD.toMillis(),
                RESEND_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends every follower the entries it has not acknowledged yet ({@code RAFT.flushCommitTable}), which RAFT does
     * itself only when its request queue stayed empty for a whole resend interval. Under a steady stream of requests
     * (read barriers from a client polling the lock list, qemu retrying an attach) the queue never idles that long.
     * GatewayRestartIT (a gateway killed and back within a second) then saw the epoch proposed after the restart
     * never commit on any node in about half of its runs, and none in six runs with this resend. Sends nothing to a
     * follower that is up to date.
     */
    private void resendToLaggingFollowers() {
        try {
            if (raft.isLeader()) {
                raft.flushCommitTable();
            }
        } catch (RuntimeException e) {
            LOG.debug("metadata leader: resend failed: {}", e.toString());
        }
    }

    /** Schedules a re-evaluation (coalesced). */
    void poke() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(this::evaluate);
            } catch (RejectedExecutionException e) {
                queued.set(false); // closed
            }
        }
    }

    private void evaluate() {
        queued.set(false);
        try {
            if (!raft.isLeader()) {
                return;
            }
            LeaderDecider.Plan plan = decider.next(stateMachine.state(), membership.members(),
                    Quorum.ofRaftIds(raft.members()), clock.getAsLong());
            logWait(plan.status());
            plan.addVoter().ifPresent(this::addServer);
            plan.propose().ifPresent(this::propose);
        } catch (RuntimeException e) {
            LOG.warn("metadata leader: {}", e.toString());
        }
    }

    private void logWait(ClusterStatus status) {
        List<NodeAddress> waiting = status.state() == ClusterStatus.State.WAITING_FOR_NODES ? status.waiting()
                : List.of();
        if (!waiting.equals(lastWait)) {
            lastWait = waiting;
            if (!waiting.isEmpty()) {
                LOG.warn("metadata leader: cluster restarted; waiting for nodes of epoch {}: {}", status.epoch(),
                        waiting.stream().map(NodeAddress::hostPort).toList());
            }
        }
    }

    private void addServer(MemberInfo m) {
        String id = m.id().toString();
        LOG.info("metadata leader: adding {} ({}) to the metadata group", m.address().hostPort(), id);
        try {
            raft.addServer(id).whenComplete((r, t) -> {
                decider.addFinished(m.id());
                if (t != null) {
                    LOG.warn("metadata leader: adding {} failed: {}", id, t.toString());
                }
                poke();
            });
        } catch (Exception e) {
            decider.addFinished(m.id());
            LOG.warn("metadata leader: cannot add {}: {}", id, e.toString());
        }
    }

    private void propose(MetadataCommand command) {
        byte[] buf = MetadataCodec.encode(command);
        String what = LeaderDecider.describe(command);
        LOG.info("metadata leader: proposing {}", what);
        try {
            raft.setAsync(buf, 0, buf.length, null).whenComplete((rsp, t) -> {
                decider.proposalFinished(command);
                if (t != null) {
                    LOG.warn("metadata leader: {} not committed: {}", what, t.toString());
                } else if (rsp != null) {
                    CommandResult r = MetadataCodec.decodeResult(rsp);
                    if (!r.ok()) {
                        LOG.info("metadata leader: {} rejected: {}", what, r.message());
                    }
                }
                poke();
            });
        } catch (RuntimeException e) {
            decider.proposalFinished(command);
            LOG.warn("metadata leader: cannot propose {}: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
