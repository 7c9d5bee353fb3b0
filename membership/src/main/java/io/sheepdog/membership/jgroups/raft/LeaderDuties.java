package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.EpochDecider;
import io.sheepdog.membership.meta.MetadataCodec;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataState;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * What the Raft leader does besides replicating: turns membership changes into epochs ({@link EpochDecider}) and
 * makes every live member a voting member of the metadata group ({@code addServer}, one at a time as Raft
 * requires). Runs on one thread; {@link #poke()} after any change (view, role, applied command) and a periodic
 * tick re-evaluate, so a proposal lost in a leader change is made again by the next leader. Never removes members
 * on its own: a node that is down keeps its vote, so a cut-off minority can never commit (see
 * {@code removeMember} for nodes that are gone for good).
 */
final class LeaderDuties implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);
    private static final long TICK_MILLIS = 2_000;

    private final RAFT raft;
    private final Membership membership;
    private final RaftStateMachine stateMachine;
    private final LongSupplier clock;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Set<String> adding = ConcurrentHashMap.newKeySet();
    private volatile boolean proposing;
    private volatile String lastWait = "";

    LeaderDuties(String name, RAFT raft, Membership membership, RaftStateMachine stateMachine, LongSupplier clock) {
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
        thread.scheduleWithFixedDelay(this::poke, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
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
            List<MemberInfo> live = membership.members();
            addMissingServers(live);
            proposeEpoch(live);
        } catch (RuntimeException e) {
            LOG.warn("metadata leader: {}", e.toString());
        }
    }

    private void addMissingServers(List<MemberInfo> live) {
        List<String> voters = raft.members();
        if (voters.isEmpty()) {
            return; // no group yet (never formatted)
        }
        for (MemberInfo m : live) {
            String id = m.id().toString();
            if (!voters.contains(id) && adding.add(id)) {
                LOG.info("metadata leader: adding {} ({}) to the metadata group", m.address().hostPort(), id);
                try {
                    raft.addServer(id).whenComplete((r, t) -> {
                        adding.remove(id);
                        if (t != null) {
                            LOG.warn("metadata leader: adding {} failed: {}", id, t.toString());
                        }
                        poke();
                    });
                } catch (Exception e) {
                    adding.remove(id);
                    LOG.warn("metadata leader: cannot add {}: {}", id, e.toString());
                }
            }
        }
    }

    private void proposeEpoch(List<MemberInfo> live) {
        if (proposing) {
            return;
        }
        MetadataState state = stateMachine.state();
        EpochDecider.Decision d = EpochDecider.decide(state, live, clock.getAsLong());
        if (d instanceof EpochDecider.Wait w) {
            String msg = w.missing().stream().map(NodeAddress::hostPort).toList().toString();
            if (!msg.equals(lastWait)) {
                lastWait = msg;
                LOG.warn("metadata leader: cluster restarted; waiting for nodes of epoch {}: {}",
                        state.epochNumber(), msg);
            }
            return;
        }
        lastWait = "";
        if (d instanceof EpochDecider.Propose p) {
            propose(p.command());
        }
    }

    private void propose(MetadataCommand command) {
        byte[] buf = MetadataCodec.encode(command);
        proposing = true;
        LOG.info("metadata leader: proposing {}", describe(command));
        try {
            raft.setAsync(buf, 0, buf.length, null).whenComplete((rsp, t) -> {
                proposing = false;
                if (t != null) {
                    LOG.warn("metadata leader: {} not committed: {}", describe(command), t.toString());
                } else if (rsp != null) {
                    CommandResult r = MetadataCodec.decodeResult(rsp);
                    if (!r.ok()) {
                        LOG.info("metadata leader: {} rejected: {}", describe(command), r.message());
                    }
                }
                poke();
            });
        } catch (RuntimeException e) {
            proposing = false;
            LOG.warn("metadata leader: cannot propose {}: {}", describe(command), e.toString());
        }
    }

    private static String describe(MetadataCommand c) {
        if (c instanceof MetadataCommand.NewEpoch e) {
            return "epoch " + (e.previous() + 1) + " with " + e.members().stream()
                    .filter(MemberInfo::storesData).map(m -> m.address().hostPort()).toList();
        }
        if (c instanceof MetadataCommand.Resume r) {
            return "resuming epoch " + r.epoch();
        }
        return c.getClass().getSimpleName();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
