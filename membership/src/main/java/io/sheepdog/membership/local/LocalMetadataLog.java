package io.sheepdog.membership.local;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.Quorum;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The committed metadata log of a {@link LocalNetwork}, with Raft's rules and none of its machinery: a command
 * commits if its submitter sees a majority of the voters; every running node that sees a majority applies the log
 * up to its end at once, the others catch up when the partition heals. The voters are founded by the first format
 * (every member the formatting node sees) and grow as the leader adds members one at a time, like
 * {@code addServer}. What each node had applied when it stopped is its "disk": a restarted node replays exactly
 * that prefix. All state is guarded by the network's monitor.
 */
final class LocalMetadataLog {
    private final LocalNetwork network;
    private final List<MetadataCommand> committed = new ArrayList<>();
    private final Set<NodeId> voters = new LinkedHashSet<>();
    private final Map<NodeId, LocalMetadataService> running = new HashMap<>();
    private final Map<NodeId, Integer> disk = new HashMap<>();

    LocalMetadataLog(LocalNetwork network) {
        this.network = network;
    }

    /** Registers a starting node; returns the commands it had applied before (its disk). */
    List<MetadataCommand> open(LocalMetadataService s) {
        synchronized (network) {
            running.put(s.id(), s);
            return List.copyOf(committed.subList(0, disk.getOrDefault(s.id(), 0)));
        }
    }

    void close(LocalMetadataService s) {
        synchronized (network) {
            if (running.remove(s.id(), s)) {
                disk.put(s.id(), s.appliedIndex());
            }
        }
    }

    /** Commits {@code command} if {@code from} sees a majority; returns its result as applied on {@code from}. */
    CommandResult submit(LocalMetadataService from, List<MemberInfo> visible, MetadataCommand command)
            throws MetadataException {
        synchronized (network) {
            if (command instanceof MetadataCommand.Format && voters.isEmpty()) {
                visible.forEach(m -> voters.add(m.id()));
            }
            checkMajority(visible);
            committed.add(command);
            CommandResult result = from.catchUp(committed);
            for (LocalMetadataService s : running.values()) {
                if (s != from && hasMajority(network.visibleTo(s.membership()))) {
                    s.catchUp(committed);
                }
            }
            return result;
        }
    }

    /** Adds a member to the voters (the leader's addServer); nothing before the group was founded. */
    void addVoter(MemberInfo member) {
        synchronized (network) {
            if (!voters.isEmpty()) {
                voters.add(member.id());
            }
        }
    }

    /** The voters. */
    Quorum voters() {
        synchronized (network) {
            return new Quorum(voters);
        }
    }

    boolean hasMajority(List<MemberInfo> visible) {
        return voters().reachedBy(visible);
    }

    /** Called by the network (holding its monitor) after every view change. */
    void membershipChanged() {
        for (LocalMetadataService s : running.values()) {
            if (hasMajority(network.visibleTo(s.membership()))) {
                s.catchUp(committed);
            }
            s.poke();
        }
    }

    private void checkMajority(List<MemberInfo> visible) throws MetadataException {
        if (voters.isEmpty()) {
            throw new MetadataException(Outcome.NO_MAJORITY, "cannot change cluster metadata: this node is not in a"
                    + " metadata group yet; format the cluster first");
        }
        Quorum quorum = new Quorum(voters);
        if (!quorum.reachedBy(visible)) {
            throw new MetadataException(Outcome.NO_MAJORITY, "cannot change cluster metadata: no leader of the"
                    + " metadata group is reachable from this node (" + quorum.describeReach(visible) + ")");
        }
    }
}
