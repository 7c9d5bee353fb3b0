package io.sheepdog.membership.meta;

import static io.sheepdog.membership.meta.ClusterMetadataTest.A;
import static io.sheepdog.membership.meta.ClusterMetadataTest.B;
import static io.sheepdog.membership.meta.ClusterMetadataTest.GW;
import static io.sheepdog.membership.meta.ClusterMetadataTest.format;
import static io.sheepdog.membership.meta.ClusterMetadataTest.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shutdown flag and forced recovery: state machine rules and the epoch decisions they lead to. */
class ShutdownAndRecoverTest {
    private static final NodeAddress C = TestCluster.node(7003, 3, 64);

    /** A, B, C formatted (incarnations a1, b1, c1), gateway g1 live too. */
    private static ClusterMetadata running() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1"), member(B, "b1"), member(C, "c1"), member(GW, "g1")));
        return m;
    }

    private static List<MemberInfo> firstIncarnations() {
        return List.of(member(A, "a1"), member(B, "b1"), member(C, "c1"), member(GW, "g1"));
    }

    @Test
    void nodesLeavingAShutDownClusterStartNoEpoch() {
        ClusterMetadata m = running();
        assertThat(m.apply(new MetadataCommand.Shutdown(firstIncarnations())).ok()).isTrue();
        MetadataState s = m.state();
        assertThat(s.shuttingDown()).isTrue();
        // B and C already stopped, A still there: no epoch, the status says why
        EpochDecider.Decision d = EpochDecider.decide(s, List.of(member(A, "a1")), 9);
        assertThat(d).isEqualTo(new EpochDecider.Nothing(ClusterStatus.shuttingDown(1)));
        assertThat(EpochDecider.status(s, d).describe()).isEqualTo("System is shutting down");
        // a NewEpoch proposed by a leader that had not applied the shutdown yet is refused everywhere
        CommandResult late = m.apply(new MetadataCommand.NewEpoch(1, 9, List.of(member(A, "a1"))));
        assertThat(late.outcome()).isEqualTo(Outcome.SHUTTING_DOWN);
        assertThat(m.state().epochNumber()).isEqualTo(1);
    }

    @Test
    void everyRunningIncarnationStopsButADaemonStartedAfterwardsDoesNot() {
        ClusterMetadata m = running();
        // C was cut off when the operator asked: not listed, but recorded as running, so it stops too
        MetadataCommand.Shutdown shutdown = new MetadataCommand.Shutdown(List.of(member(A, "a1"), member(GW, "g1")));
        m.apply(shutdown);
        MetadataState s = m.state();
        assertThat(shutdown.stops(s, "a1")).isTrue();
        assertThat(shutdown.stops(s, "c1")).isTrue();
        assertThat(shutdown.stops(s, "g1")).isTrue();
        // A restarted replays its log: the new incarnation must keep running
        assertThat(shutdown.stops(s, "a2")).isFalse();
    }

    @Test
    void restartWithEveryNodeResumesTheSameEpochAndClearsTheFlag() {
        ClusterMetadata m = running();
        m.apply(new MetadataCommand.Shutdown(firstIncarnations()));
        List<MemberInfo> restarted = List.of(member(C, "c2"), member(A, "a2"));
        EpochDecider.Decision waiting = EpochDecider.decide(m.state(), restarted, 20);
        assertThat(waiting).isEqualTo(new EpochDecider.Wait(List.of(B)));
        List<MemberInfo> all = List.of(member(C, "c2"), member(A, "a2"), member(B, "b2"));
        EpochDecider.Decision d = EpochDecider.decide(m.state(), all, 20);
        assertThat(d).isEqualTo(new EpochDecider.Propose(new MetadataCommand.Resume(1, all)));
        assertThat(m.apply(((EpochDecider.Propose) d).command()).ok()).isTrue();
        assertThat(m.state().shuttingDown()).isFalse();
        assertThat(m.state().epochNumber()).isEqualTo(1);
        assertThat(EpochDecider.decide(m.state(), all, 21)).isEqualTo(new EpochDecider.Nothing(ClusterStatus.running(1)));
    }

    @Test
    void forcedRecoveryStartsAnEpochWithTheLiveNodesOnlyWhileTheClusterWaits() {
        ClusterMetadata m = running();
        m.apply(new MetadataCommand.Shutdown(firstIncarnations()));
        List<MemberInfo> live = List.of(member(A, "a2"), member(B, "b2"));
        assertThat(EpochDecider.decide(m.state(), live, 30)).isEqualTo(new EpochDecider.Wait(List.of(C)));

        assertThat(m.apply(new MetadataCommand.ForceRecover(0, 30, live)).outcome()).isEqualTo(Outcome.STALE_EPOCH);
        assertThat(m.apply(new MetadataCommand.ForceRecover(1, 30, List.of(member(GW, "g2")))).outcome())
                .isEqualTo(Outcome.INVALID);
        assertThat(m.apply(new MetadataCommand.ForceRecover(1, 30, live)).ok()).isTrue();
        MetadataState s = m.state();
        assertThat(s.epochNumber()).isEqualTo(2);
        assertThat(s.currentEpoch().orElseThrow().nodes()).containsExactlyInAnyOrder(A, B);
        assertThat(s.shuttingDown()).isFalse();
        assertThat(EpochDecider.decide(s, live, 31)).isEqualTo(new EpochDecider.Nothing(ClusterStatus.running(2)));
        // asked twice (two operators, a retry): the second finds the cluster running and changes nothing
        CommandResult again = m.apply(new MetadataCommand.ForceRecover(2, 32, live));
        assertThat(again.outcome()).isEqualTo(Outcome.INVALID);
        assertThat(again.message()).contains("not waiting for nodes");
        assertThat(m.state().epochNumber()).isEqualTo(2);
    }

    @Test
    void missingNodesAreTheCurrentEpochsNodesNotLive() {
        MetadataState s = running().state();
        assertThat(EpochDecider.missing(s, List.of(member(B, "b9")))).containsExactly(A, C);
        assertThat(EpochDecider.missing(MetadataState.EMPTY, List.of())).isEmpty();
        assertThat(ClusterStatus.noMajority(1, List.of(A)).describe()).endsWith("not up: [" + A.hostPort() + "]");
    }

    @Test
    void theFlagSurvivesTheWireAndSnapshotsWrittenBeforeItExistedReadAsNotShuttingDown() {
        ClusterMetadata m = running();
        m.apply(new MetadataCommand.Shutdown(firstIncarnations()));
        MetadataState s = m.state();
        assertThat(MetadataCodec.decodeState(MetadataCodec.encode(s))).isEqualTo(s);
        byte[] wire = MetadataCodec.encode(new MetadataCommand.ForceRecover(1, 5, List.of(member(A, "a2"))));
        assertThat(new String(wire, StandardCharsets.UTF_8)).contains("\"op\":\"force-recover\"");
        String old = new String(MetadataCodec.encode(running().state()), StandardCharsets.UTF_8)
                .replace(",\"shuttingDown\":false", "").replace("\"shuttingDown\":false,", "");
        assertThat(old).doesNotContain("shuttingDown");
        assertThat(MetadataCodec.decodeState(old.getBytes(StandardCharsets.UTF_8)).shuttingDown()).isFalse();
    }
}
