package io.sheepdog.membership.meta;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the metadata leader does besides replicating, decided from the replicated state, the live members and the
 * voters: the one rule behind both engines' leaders ({@code jgroups.raft.LeaderDuties} and
 * {@code local.LocalMetadataService}), which only carry the decisions out and report back when each ends. See
 * docs/architecture.md, "Membership, metadata and epochs".
 *
 * <ul>
 *   <li><b>Voters.</b> Every live member becomes a voting member of the metadata group, one at a time (a single-server
 *       change, as Raft requires: the next one only once the previous one ended, either way), in view order; none
 *       before the group is founded by the first format. Members are never removed: a node that is down keeps its
 *       vote, so a cut-off minority can never commit ({@code removeMember} is the operator's, for nodes gone for
 *       good).</li>
 *   <li><b>Epochs.</b> The command {@link EpochDecider} asks for, one proposal at a time. A proposal that ends
 *       without being applied (lost in a leader change, timed out, rejected as stale) is simply made again at the
 *       next evaluation, from the state of then; the compare-and-set on the previous epoch makes a duplicate
 *       harmless.</li>
 *   <li><b>Lock leases.</b> A VDI write lock lasts as long as the daemon incarnation that holds it: once that
 *       incarnation is no live member (the node died, restarted or was cut off), the leader releases the lock in
 *       the same step as a new epoch ({@link MetadataCommand.ExpireVdiLock}, handing it to a live standby if a
 *       migration was under way: the epoch fences the old holder), and drops a standby that is gone. One such
 *       proposal at a time, and only while the cluster runs with no epoch to be proposed, so the epoch without a
 *       dead data node comes first and a restarting cluster waits for its nodes.</li>
 *   <li><b>No majority.</b> Live members that reach no majority of the voters cannot commit: the leader proposes
 *       and adds nothing, and {@link #status} says {@link ClusterStatus.State#NO_MAJORITY}.</li>
 * </ul>
 *
 * <p>Pure (no clock, threads or I/O): the engine calls {@link #next} on its leader thread whenever something
 * changed and periodically, carries out the {@link Plan}, and calls {@link #addFinished} / {@link #proposalFinished}
 * when an action ends, from any thread.
 */
public final class LeaderDecider {
    private NodeId adding;
    private MetadataCommand proposing;

    /**
     * What to do now.
     *
     * @param addVoter the member to make a voter, if any
     * @param propose  the command to propose, if any
     * @param status   what the cluster is doing as the leader sees it (names the nodes a restart waits for)
     */
    public record Plan(Optional<MemberInfo> addVoter, Optional<MetadataCommand> propose, ClusterStatus status) {
        public Plan {
            Objects.requireNonNull(addVoter, "addVoter");
            Objects.requireNonNull(propose, "propose");
            Objects.requireNonNull(status, "status");
        }

        /** True if there is nothing to carry out. */
        public boolean idle() {
            return addVoter.isEmpty() && propose.isEmpty();
        }
    }

    /**
     * The next actions of the leader, which this decider then counts as in flight until the engine reports they
     * ended.
     *
     * @param state     the state as applied on the leader
     * @param live      the live members, oldest first
     * @param voters    the voting members of the metadata group
     * @param nowMillis the start time of a proposed epoch
     */
    public synchronized Plan next(MetadataState state, List<MemberInfo> live, Quorum voters, long nowMillis) {
        if (!voters.reachedBy(live)) {
            return new Plan(Optional.empty(), Optional.empty(), status(state, live, false, nowMillis));
        }
        Optional<MemberInfo> add = Optional.empty();
        if (adding == null) {
            add = live.stream().filter(m -> !voters.contains(m.id())).findFirst();
            add.ifPresent(m -> adding = m.id());
        }
        EpochDecider.Decision d = EpochDecider.decide(state, live, nowMillis);
        Optional<MetadataCommand> propose = Optional.empty();
        if (proposing == null && d instanceof EpochDecider.Propose p) {
            propose = Optional.of(p.command());
        } else if (proposing == null && d instanceof EpochDecider.Nothing n
                && n.status().state() == ClusterStatus.State.RUNNING) {
            propose = expiredLock(state, live, nowMillis);
        }
        propose.ifPresent(c -> proposing = c);
        return new Plan(add, propose, EpochDecider.status(state, d));
    }

    /**
     * The command that ends a lease whose incarnation is no live member: the release of a lock whose holder is
     * gone, together with a new epoch that fences it ({@link MetadataCommand.ExpireVdiLock}), or the cancelled
     * migration of one whose standby is (a standby never wrote: nothing to fence).
     */
    static Optional<MetadataCommand> expiredLock(MetadataState state, List<MemberInfo> live, long nowMillis) {
        Set<String> incarnations = live.stream().map(MemberInfo::incarnation).collect(Collectors.toSet());
        for (VdiLock l : state.locks().values()) {
            if (!incarnations.contains(l.holder().incarnation())) {
                return Optional.of(new MetadataCommand.ExpireVdiLock(l.vdi(), l.generation(), state.epochNumber(),
                        nowMillis, live));
            }
            if (l.standby() != null && !incarnations.contains(l.standby().incarnation())) {
                return Optional.of(new MetadataCommand.MigrateVdiLock(l.vdi(), l.generation(), ""));
            }
        }
        return Optional.empty();
    }

    /** The addition of {@code node} as a voter ended (added or failed); the next one may start. */
    public synchronized void addFinished(NodeId node) {
        if (node.equals(adding)) {
            adding = null;
        }
    }

    /** The proposal of {@code command} ended (applied, rejected or lost); the next one may start. */
    public synchronized void proposalFinished(MetadataCommand command) {
        if (command.equals(proposing)) {
            proposing = null;
        }
    }

    /**
     * What the cluster is doing as seen from a node with {@code live} members, for
     * {@link ClusterMetadataService#status()}.
     *
     * @param majority whether this node's engine reaches a majority of the voters (the Raft one: knows a leader)
     */
    public static ClusterStatus status(MetadataState state, List<MemberInfo> live, boolean majority, long nowMillis) {
        if (state.format() == null) {
            return ClusterStatus.waitingForFormat();
        }
        if (!majority) {
            return ClusterStatus.noMajority(state.epochNumber(), EpochDecider.missing(state, live));
        }
        return EpochDecider.status(state, EpochDecider.decide(state, live, nowMillis));
    }

    /** A command as the leader's log lines name it: "epoch 3 with [h:7000, h:7001]", "resuming epoch 2". */
    public static String describe(MetadataCommand c) {
        if (c instanceof MetadataCommand.NewEpoch e) {
            return "epoch " + (e.previous() + 1) + " with " + e.members().stream()
                    .filter(MemberInfo::storesData).map(m -> m.address().hostPort()).toList();
        }
        if (c instanceof MetadataCommand.Resume r) {
            return "resuming epoch " + r.epoch();
        }
        if (c instanceof MetadataCommand.ExpireVdiLock x) {
            return "epoch " + (x.previous() + 1) + " releasing the lock of VDI " + x.name() + " (its holder left)";
        }
        return c.getClass().getSimpleName();
    }
}
