package io.sheepdog.membership.meta;

import io.sheepdog.membership.Epoch;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides, from the replicated state and the live members, whether the cluster needs a new epoch. Pure: the
 * metadata leader acts on the decision (proposes the command), every other node uses it to report the cluster's
 * status.
 *
 * <p>The rule follows Sheepdog:
 * <ul>
 *   <li>While the cluster runs, every change of the live data nodes (a node joins, leaves, restarts, or changes
 *       zone or weight) starts a new epoch; gateway-only nodes do not matter for placement. A restart is told by
 *       the incarnation, so a node killed and back before membership saw it leave still gets its epoch.</li>
 *   <li>After the whole cluster was shut down, it starts again only when every node of the last epoch is back
 *       (then it {@link MetadataCommand.Resume resumes} without a new epoch, or starts one if new nodes came
 *       too). Until then it waits and names the missing nodes, so a cluster restarted in any order comes back
 *       with the same placement.</li>
 *   <li>While the cluster shuts down on the operator's request ({@link MetadataState#shuttingDown()}), the nodes
 *       leaving are not failures: no epoch starts. Once every node stopped, the next start is a full restart as
 *       above. An operator who knows that a missing node will never come back forces a new epoch with the live
 *       nodes ({@link MetadataCommand.ForceRecover}).</li>
 * </ul>
 * "Running" is told by incarnations: the cluster is running if at least one live member is the same daemon
 * process (incarnation) the state recorded when the cluster last started or changed epoch. If every live member
 * restarted since, the cluster is restarting.
 */
public final class EpochDecider {

    private EpochDecider() {
    }

    /** What to do. */
    public sealed interface Decision permits Nothing, Propose, Wait {
    }

    /** Nothing to do: not formatted, or the live data nodes are the current epoch's. */
    public record Nothing(ClusterStatus status) implements Decision {
    }

    /** The leader should propose {@code command}. */
    public record Propose(MetadataCommand command) implements Decision {
    }

    /** The cluster restarted and waits for these nodes of the last epoch. */
    public record Wait(List<NodeAddress> missing) implements Decision {
        public Wait {
            missing = List.copyOf(missing);
        }
    }

    /**
     * The decision for {@code live} members given the replicated {@code state}.
     *
     * @param nowMillis the start time of a proposed epoch
     */
    public static Decision decide(MetadataState state, List<MemberInfo> live, long nowMillis) {
        Epoch last = state.currentEpoch().orElse(null);
        if (last == null) {
            return new Nothing(ClusterStatus.waitingForFormat());
        }
        Set<NodeAddress> liveData = new HashSet<>(ClusterMetadata.dataNodes(live));
        Set<NodeAddress> lastNodes = new HashSet<>(last.nodes());
        if (running(state, live)) {
            if (state.shuttingDown()) {
                return new Nothing(ClusterStatus.shuttingDown(last.number()));
            }
            if (liveData.equals(lastNodes) && !anyDataNodeRestarted(state, live)) {
                return new Nothing(ClusterStatus.running(last.number()));
            }
            return new Propose(new MetadataCommand.NewEpoch(last.number(), nowMillis, live));
        }
        List<NodeAddress> missing = missing(state, live);
        if (!missing.isEmpty()) {
            return new Wait(missing);
        }
        if (liveData.equals(lastNodes)) {
            return new Propose(new MetadataCommand.Resume(last.number(), live));
        }
        return new Propose(new MetadataCommand.NewEpoch(last.number(), nowMillis, live));
    }

    /** The nodes of the current epoch that are not among {@code live}, in epoch order; empty before format. */
    public static List<NodeAddress> missing(MetadataState state, List<MemberInfo> live) {
        Set<Long> liveIds = new HashSet<>();
        live.forEach(m -> liveIds.add(m.id().value()));
        return state.currentEpoch().map(e -> e.nodes().stream().filter(n -> !liveIds.contains(n.id().value()))
                .toList()).orElse(List.of());
    }

    /**
     * True if a live data node is another daemon process than the one the state recorded, and no member with its id
     * is that one any more: it was killed and restarted before membership saw it leave (JGroups can replace a member
     * in one view). Such a node may have missed writes or lost unflushed ones, so it rejoins through an epoch of its
     * own and its recovery, as a node that left and came back does, and the leases of its old incarnation end.
     */
    static boolean anyDataNodeRestarted(MetadataState state, List<MemberInfo> live) {
        Set<String> liveIncarnations = new HashSet<>();
        live.forEach(m -> liveIncarnations.add(m.incarnation()));
        for (MemberInfo m : live) {
            String recorded = state.session().get(m.id().toString());
            if (m.storesData() && recorded != null && !liveIncarnations.contains(recorded)) {
                return true;
            }
        }
        return false;
    }

    /** True if some live member is an incarnation the state recorded: the cluster did not restart as a whole. */
    static boolean running(MetadataState state, List<MemberInfo> live) {
        for (MemberInfo m : live) {
            if (m.incarnation().equals(state.session().get(m.id().toString()))) {
                return true;
            }
        }
        return false;
    }

    /** The status this decision means for operators. */
    public static ClusterStatus status(MetadataState state, Decision d) {
        if (d instanceof Nothing n) {
            return n.status();
        }
        if (d instanceof Wait w) {
            return ClusterStatus.waitingForNodes(state.epochNumber(), w.missing());
        }
        return ClusterStatus.running(state.epochNumber());
    }
}
