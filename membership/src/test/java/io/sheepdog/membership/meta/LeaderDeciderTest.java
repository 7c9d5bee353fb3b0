package io.sheepdog.membership.meta;

import static io.sheepdog.membership.meta.ClusterMetadataTest.A;
import static io.sheepdog.membership.meta.ClusterMetadataTest.B;
import static io.sheepdog.membership.meta.ClusterMetadataTest.GW;
import static io.sheepdog.membership.meta.ClusterMetadataTest.format;
import static io.sheepdog.membership.meta.ClusterMetadataTest.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.testing.TestCluster;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metadata leader's decisions, engine-free: given states, views and voters, the actions it takes. */
class LeaderDeciderTest {
    private static final NodeAddress C = TestCluster.node(7003, 3, 64);
    private static final NodeAddress D = TestCluster.node(7004, 4, 64);
    private static final NodeAddress E = TestCluster.node(7005, 5, 64);
    private static final MemberInfo A1 = member(A, "a1");
    private static final MemberInfo B1 = member(B, "b1");
    private static final MemberInfo C1 = member(C, "c1");
    private static final Quorum ABC = new Quorum(Set.of(A.id(), B.id(), C.id()));

    private final LeaderDecider decider = new LeaderDecider();

    /** A, B and C formatted (epoch 1, incarnations a1, b1, c1). */
    private static ClusterMetadata formatted() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", A1, B1, C1));
        return m;
    }

    private static Optional<MetadataCommand> newEpoch(long previous, long at, MemberInfo... live) {
        return Optional.of(new MetadataCommand.NewEpoch(previous, at, List.of(live)));
    }

    @Test
    void nothingBeforeTheGroupIsFounded() {
        LeaderDecider.Plan p = decider.next(MetadataState.EMPTY, List.of(A1, B1), Quorum.NONE, 1);
        assertThat(p.idle()).isTrue();
        assertThat(p.status().state()).isEqualTo(ClusterStatus.State.WAITING_FOR_FORMAT);
    }

    @Test
    void aRunningClusterWithItsOwnNodesNeedsNothing() {
        LeaderDecider.Plan p = decider.next(formatted().state(), List.of(A1, B1, C1), ABC, 5);
        assertThat(p).isEqualTo(new LeaderDecider.Plan(Optional.empty(), Optional.empty(),
                ClusterStatus.running(1)));
    }

    @Test
    void joiningNodesBecomeVotersOneAtATimeAndStartAnEpoch() {
        MetadataState s = formatted().state();
        List<MemberInfo> live = List.of(A1, B1, C1, member(D, "d1"), member(E, "e1"));
        LeaderDecider.Plan p = decider.next(s, live, ABC, 5);
        assertThat(p.addVoter()).contains(member(D, "d1"));
        assertThat(p.propose()).isEqualTo(newEpoch(1, 5, live.toArray(MemberInfo[]::new)));
        // D's addition is still in flight: E waits for it (single-server changes)
        assertThat(decider.next(s, live, ABC, 6).addVoter()).isEmpty();
        // D's addition failed (say, the leader lost its role): D is offered again, E still waits
        decider.addFinished(D.id());
        assertThat(decider.next(s, live, ABC, 7).addVoter()).contains(member(D, "d1"));
        decider.addFinished(D.id());
        Quorum withD = new Quorum(Set.of(A.id(), B.id(), C.id(), D.id()));
        assertThat(decider.next(s, live, withD, 8).addVoter()).contains(member(E, "e1"));
    }

    @Test
    void aMemberDownStartsAnEpochWithoutItButKeepsItsVote() {
        ClusterMetadata m = formatted();
        List<MemberInfo> live = List.of(A1, C1);
        LeaderDecider.Plan p = decider.next(m.state(), live, ABC, 5);
        assertThat(p.addVoter()).isEmpty();
        assertThat(p.propose()).isEqualTo(newEpoch(1, 5, A1, C1));
        assertThat(m.apply(p.propose().orElseThrow()).ok()).isTrue();
        decider.proposalFinished(p.propose().orElseThrow());
        assertThat(decider.next(m.state(), live, ABC, 6).idle()).isTrue();
        // B's vote still counts: with C down too, A alone is no majority of the three and does nothing
        LeaderDecider.Plan alone = decider.next(m.state(), List.of(A1), ABC, 7);
        assertThat(alone.idle()).isTrue();
        assertThat(alone.status()).isEqualTo(ClusterStatus.noMajority(2, List.of(C)));
    }

    @Test
    void aProposalLostInALeaderChangeIsMadeAgain() {
        ClusterMetadata m = formatted();
        List<MemberInfo> live = List.of(A1, B1);
        MetadataCommand first = decider.next(m.state(), live, ABC, 5).propose().orElseThrow();
        assertThat(first).isEqualTo(newEpoch(1, 5, A1, B1).orElseThrow());
        // while it is in flight, nothing is proposed twice; the status already says where the cluster goes
        LeaderDecider.Plan meanwhile = decider.next(m.state(), live, ABC, 6);
        assertThat(meanwhile.propose()).isEmpty();
        assertThat(meanwhile.status()).isEqualTo(ClusterStatus.running(1));
        // the leader lost its role before a majority had the entry: the same change is proposed again
        decider.proposalFinished(first);
        assertThat(decider.next(m.state(), live, ABC, 7).propose()).isEqualTo(newEpoch(1, 7, A1, B1));
        // a new leader (a decider of its own) proposes it as well, and only one of the two is applied
        MetadataCommand second = new LeaderDecider().next(m.state(), live, ABC, 8).propose().orElseThrow();
        assertThat(m.apply(first).ok()).isTrue();
        assertThat(m.apply(second).outcome()).isEqualTo(Outcome.STALE_EPOCH);
        assertThat(m.state().epochNumber()).isEqualTo(2);
    }

    @Test
    void aLostProposalThatWasCommittedAfterAllIsNotMadeAgain() {
        ClusterMetadata m = formatted();
        List<MemberInfo> live = List.of(A1, B1);
        MetadataCommand c = decider.next(m.state(), live, ABC, 5).propose().orElseThrow();
        m.apply(c); // the old leader's entry reached a majority before it stepped down
        decider.proposalFinished(c);
        assertThat(decider.next(m.state(), live, ABC, 6).idle()).isTrue();
    }

    @Test
    void aFinishedProposalOtherThanTheOneInFlightChangesNothing() {
        MetadataState s = formatted().state();
        List<MemberInfo> live = List.of(A1, B1);
        decider.next(s, live, ABC, 5);
        decider.proposalFinished(new MetadataCommand.Resume(1, live));
        decider.addFinished(D.id());
        assertThat(decider.next(s, live, ABC, 6).propose()).isEmpty();
    }

    @Test
    void noMajorityNoActionsEvenForANewNode() {
        MetadataState s = formatted().state();
        LeaderDecider.Plan p = decider.next(s, List.of(A1, member(D, "d1")), ABC, 5);
        assertThat(p.idle()).isTrue();
        assertThat(p.status()).isEqualTo(ClusterStatus.noMajority(1, List.of(B, C)));
    }

    @Test
    void aRestartedClusterWaitsForItsNodesThenResumes() {
        MetadataState s = formatted().state();
        List<MemberInfo> twoBack = List.of(member(A, "a2"), member(B, "b2"));
        LeaderDecider.Plan waiting = decider.next(s, twoBack, ABC, 5);
        assertThat(waiting.idle()).isTrue();
        assertThat(waiting.status()).isEqualTo(ClusterStatus.waitingForNodes(1, List.of(C)));
        List<MemberInfo> all = List.of(member(A, "a2"), member(B, "b2"), member(C, "c2"));
        assertThat(decider.next(s, all, ABC, 6).propose()).contains(new MetadataCommand.Resume(1, all));
    }

    @Test
    void nodesLeavingAShutDownClusterStartNoEpoch() {
        ClusterMetadata m = formatted();
        m.apply(new MetadataCommand.Shutdown(List.of(A1, B1, C1)));
        LeaderDecider.Plan p = decider.next(m.state(), List.of(A1, B1), ABC, 5);
        assertThat(p.idle()).isTrue();
        assertThat(p.status()).isEqualTo(ClusterStatus.shuttingDown(1));
    }

    @Test
    void gatewaysBecomeVotersButStartNoEpoch() {
        MetadataState s = formatted().state();
        LeaderDecider.Plan p = decider.next(s, List.of(A1, B1, C1, member(GW, "g1")), ABC, 5);
        assertThat(p.addVoter()).contains(member(GW, "g1"));
        assertThat(p.propose()).isEmpty();
    }

    @Test
    void statusAsANodeSeesIt() {
        MetadataState s = formatted().state();
        assertThat(LeaderDecider.status(MetadataState.EMPTY, List.of(A1), false, 1))
                .isEqualTo(ClusterStatus.waitingForFormat());
        assertThat(LeaderDecider.status(s, List.of(A1), false, 1))
                .isEqualTo(ClusterStatus.noMajority(1, List.of(B, C)));
        assertThat(LeaderDecider.status(s, List.of(A1, B1), true, 1)).isEqualTo(ClusterStatus.running(1));
        assertThat(LeaderDecider.status(s, List.of(member(A, "a2"), member(B, "b2")), true, 1))
                .isEqualTo(ClusterStatus.waitingForNodes(1, List.of(C)));
    }

    @Test
    void aLockEndsWithItsHoldersIncarnationAfterTheEpoch() {
        ClusterMetadata m = formatted();
        m.apply(new MetadataCommand.CreateVdi(ClusterMetadataTest.vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.LockVdi("alice", new LockHolder("10.0.0.5", C.id().toString(), "c", "c1"), 9));
        // C died: the epoch without it first, the lock's release after.
        LeaderDecider.Plan p = decider.next(m.state(), List.of(A1, B1), ABC, 10);
        assertThat(p.propose()).isEqualTo(newEpoch(1, 10, A1, B1));
        assertThat(decider.next(m.state(), List.of(A1, B1), ABC, 11).propose()).as("one at a time").isEmpty();
        m.apply(p.propose().orElseThrow());
        decider.proposalFinished(p.propose().orElseThrow());
        LeaderDecider.Plan release = decider.next(m.state(), List.of(A1, B1), ABC, 12);
        // released with an epoch of its own: a write C still retries finds the lock gone under that epoch
        assertThat(release.propose()).contains(new MetadataCommand.ExpireVdiLock("alice", 1, 2, 12,
                List.of(A1, B1)));
        m.apply(release.propose().orElseThrow());
        decider.proposalFinished(release.propose().orElseThrow());
        assertThat(m.state().lock("alice")).isEmpty();
        assertThat(m.state().epochNumber()).isEqualTo(3);
        assertThat(m.state().currentEpoch().orElseThrow().nodes()).containsExactlyInAnyOrder(A, B);
        assertThat(decider.next(m.state(), List.of(A1, B1), ABC, 13).idle()).isTrue();
    }

    @Test
    void aLockHeldThroughAGatewayThatLeftEndsWithAFencingEpoch() {
        ClusterMetadata m = formatted();
        MemberInfo gw = member(GW, "g1");
        m.apply(new MetadataCommand.CreateVdi(ClusterMetadataTest.vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.LockVdi("alice", new LockHolder("10.0.0.9", GW.id().toString(), "gw", "g1"), 9));
        assertThat(decider.next(m.state(), List.of(A1, B1, C1, gw), ABC, 10).propose()).as("holder alive").isEmpty();
        // The gateway is cut off: no data node changed, so only the lease's end starts an epoch.
        LeaderDecider.Plan p = decider.next(m.state(), List.of(A1, B1, C1), ABC, 11);
        assertThat(p.propose()).contains(new MetadataCommand.ExpireVdiLock("alice", 1, 1, 11, List.of(A1, B1, C1)));
        assertThat(m.apply(p.propose().orElseThrow()).ok()).isTrue();
        assertThat(m.state().epochNumber()).isEqualTo(2);
        assertThat(m.state().lock("alice")).isEmpty();
        // proposed again from a stale state, it changes nothing
        assertThat(m.apply(p.propose().orElseThrow()).outcome()).isEqualTo(Outcome.STALE_EPOCH);
    }

    @Test
    void aRestartingClusterReleasesNoLockUntilItsNodesAreBack() {
        ClusterMetadata m = formatted();
        m.apply(new MetadataCommand.CreateVdi(ClusterMetadataTest.vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.LockVdi("alice", new LockHolder("h", A.id().toString(), "a", "a1"), 9));
        // every node restarted; C is not back yet: waiting, no epoch of a lock expiry either
        LeaderDecider.Plan p = decider.next(m.state(), List.of(member(A, "a2"), member(B, "b2")), ABC, 10);
        assertThat(p.propose()).isEmpty();
        assertThat(p.status()).isEqualTo(ClusterStatus.waitingForNodes(1, List.of(C)));
    }

    @Test
    void aGoneStandbyIsDroppedAndALiveHoldersLockStays() {
        ClusterMetadata m = formatted();
        m.apply(new MetadataCommand.CreateVdi(ClusterMetadataTest.vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.LockVdi("alice", new LockHolder("h", A.id().toString(), "a", "a1"), 9));
        m.apply(new MetadataCommand.MigrateVdiLock("alice", 1, B.id().toString()));
        m.apply(new MetadataCommand.LockVdi("alice", new LockHolder("h", B.id().toString(), "b", "b0"), 9));
        assertThat(decider.next(m.state(), List.of(A1, B1, C1), ABC, 10).propose())
                .contains(new MetadataCommand.MigrateVdiLock("alice", 1, ""));
    }

    @Test
    void commandsAreNamedForTheLog() {
        assertThat(LeaderDecider.describe(newEpoch(4, 1, A1, member(GW, "g1")).orElseThrow()))
                .isEqualTo("epoch 5 with [" + A.hostPort() + "]");
        assertThat(LeaderDecider.describe(new MetadataCommand.Resume(2, List.of(A1)))).isEqualTo("resuming epoch 2");
        assertThat(LeaderDecider.describe(new MetadataCommand.Shutdown(List.of()))).isEqualTo("Shutdown");
    }

    @Test
    void quorumCountsVotersAmongTheLive() {
        Quorum four = Quorum.ofRaftIds(List.of(A.id().toString(), B.id().toString(), C.id().toString(),
                D.id().toString()));
        assertThat(four.majority()).isEqualTo(3);
        assertThat(four.reachedBy(List.of(A1, B1, member(GW, "g1")))).isFalse();
        assertThat(four.describeReach(List.of(A1, B1)))
                .isEqualTo("it reaches 2 of the 4 metadata members, a majority is 3");
        assertThat(four.reachedBy(List.of(A1, B1, C1))).isTrue();
        assertThat(Quorum.NONE.reachedBy(List.of(A1))).isFalse();
        assertThat(Quorum.NONE.describeReach(List.of(A1))).contains("format the cluster first");
        assertThat(NodeId.parse(A.id().toString())).isEqualTo(A.id());
        assertThatThrownBy(() -> NodeId.parse("xyz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("xyz");
    }
}
