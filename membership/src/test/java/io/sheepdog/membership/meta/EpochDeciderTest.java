package io.sheepdog.membership.meta;

import static io.sheepdog.membership.meta.ClusterMetadataTest.A;
import static io.sheepdog.membership.meta.ClusterMetadataTest.B;
import static io.sheepdog.membership.meta.ClusterMetadataTest.GW;
import static io.sheepdog.membership.meta.ClusterMetadataTest.format;
import static io.sheepdog.membership.meta.ClusterMetadataTest.member;
import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.testing.TestCluster;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochDeciderTest {
    private static final NodeAddress C = TestCluster.node(7003, 3, 64);

    private static MetadataState formatted() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1"), member(B, "b1"), member(GW, "g1")));
        return m.state();
    }

    @Test
    void nothingBeforeFormat() {
        EpochDecider.Decision d = EpochDecider.decide(MetadataState.EMPTY, List.of(member(A, "a1")), 1);
        assertThat(d).isEqualTo(new EpochDecider.Nothing(ClusterStatus.waitingForFormat()));
    }

    @Test
    void runningClusterNeedsNoEpochUntilADataNodeChanges() {
        MetadataState s = formatted();
        assertThat(EpochDecider.decide(s, List.of(member(A, "a1"), member(B, "b1"), member(GW, "g1")), 5))
                .isEqualTo(new EpochDecider.Nothing(ClusterStatus.running(1)));
        // a gateway leaving does not matter for placement
        assertThat(EpochDecider.decide(s, List.of(member(A, "a1"), member(B, "b1")), 5))
                .isInstanceOf(EpochDecider.Nothing.class);
        // a data node leaving does
        EpochDecider.Decision d = EpochDecider.decide(s, List.of(member(A, "a1"), member(GW, "g1")), 5);
        assertThat(d).isEqualTo(new EpochDecider.Propose(
                new MetadataCommand.NewEpoch(1, 5, List.of(member(A, "a1"), member(GW, "g1")))));
        // and so does one joining, or one changing its weight
        assertThat(EpochDecider.decide(s, List.of(member(A, "a1"), member(B, "b1"), member(C, "c1")), 5))
                .isInstanceOf(EpochDecider.Propose.class);
        NodeAddress heavierB = new NodeAddress(B.id(), B.host(), B.port(), B.nbdPort(), B.zone(), 128);
        assertThat(EpochDecider.decide(s, List.of(member(A, "a1"), member(heavierB, "b1")), 5))
                .isInstanceOf(EpochDecider.Propose.class);
    }

    @Test
    void aDataNodeRestartedWithinOneViewGetsAnEpochAGatewayDoesNot() {
        MetadataState s = formatted();
        // B killed and back as b2 while JGroups still lists b1: wait until b1 is gone
        assertThat(EpochDecider.decide(s, List.of(member(A, "a1"), member(B, "b1"), member(B, "b2")), 5))
                .isInstanceOf(EpochDecider.Nothing.class);
        List<io.sheepdog.membership.MemberInfo> replaced = List.of(member(A, "a1"), member(B, "b2"), member(GW, "g1"));
        assertThat(EpochDecider.decide(s, replaced, 5))
                .isEqualTo(new EpochDecider.Propose(new MetadataCommand.NewEpoch(1, 5, replaced)));
        // a restarted gateway does not matter for placement
        assertThat(EpochDecider.decide(s, List.of(member(A, "a1"), member(B, "b1"), member(GW, "g2")), 5))
                .isEqualTo(new EpochDecider.Nothing(ClusterStatus.running(1)));
    }

    @Test
    void restartedClusterWaitsForTheLastEpochThenResumes() {
        MetadataState s = formatted();
        // everyone restarted (new incarnations), B is not back yet
        EpochDecider.Decision d = EpochDecider.decide(s, List.of(member(A, "a2"), member(GW, "g2")), 9);
        assertThat(d).isEqualTo(new EpochDecider.Wait(List.of(B)));
        assertThat(EpochDecider.status(s, d).describe()).contains(B.hostPort());
        // all back: resume epoch 1 without a new epoch
        List<io.sheepdog.membership.MemberInfo> all = List.of(member(A, "a2"), member(B, "b2"));
        assertThat(EpochDecider.decide(s, all, 9)).isEqualTo(new EpochDecider.Propose(
                new MetadataCommand.Resume(1, all)));
        // all back plus a new node: a new epoch
        assertThat(EpochDecider.decide(s, List.of(member(A, "a2"), member(B, "b2"), member(C, "c1")), 9))
                .isInstanceOf(EpochDecider.Propose.class)
                .extracting(p -> ((EpochDecider.Propose) p).command()).isInstanceOf(MetadataCommand.NewEpoch.class);
    }
}
