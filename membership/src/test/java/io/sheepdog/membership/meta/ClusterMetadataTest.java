package io.sheepdog.membership.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterMetadataTest {
    static final NodeAddress A = TestCluster.node(7000, 0, 64);
    static final NodeAddress B = TestCluster.node(7001, 1, 64);
    static final NodeAddress GW = TestCluster.node(7002, 2, 0);

    static MemberInfo member(NodeAddress a, String incarnation) {
        return new MemberInfo(a, incarnation, 1, "");
    }

    static MetadataCommand.Format format(String id, MemberInfo... members) {
        return new MetadataCommand.Format(new ClusterFormat(id, 2, false, 1000), List.of(members));
    }

    static VdiEntry vdi(String name, int vid, int snap) {
        return new VdiEntry(name, vid, 1 << 30, 5, 2, snap, snap == 0 ? "" : "tag" + snap, 0);
    }

    @Test
    void commandsNeedAFormat() {
        ClusterMetadata m = new ClusterMetadata();
        CommandResult r = m.apply(new MetadataCommand.CreateVdi(vdi("a", 1, 0)));
        assertThat(r.outcome()).isEqualTo(Outcome.NOT_FORMATTED);
        assertThat(r.message()).contains("collie cluster format");
        assertThat(r.version()).isEqualTo(1);
        assertThat(m.state().vdis()).isEmpty();
    }

    @Test
    void formatStartsEpochOneWithTheDataNodesOnly() {
        ClusterMetadata m = new ClusterMetadata();
        assertThat(m.apply(format("c1", member(A, "a1"), member(GW, "g1"), member(B, "b1"))).ok()).isTrue();
        MetadataState s = m.state();
        assertThat(s.clusterId()).isEqualTo("c1");
        assertThat(s.epochNumber()).isEqualTo(1);
        assertThat(s.currentEpoch().orElseThrow().nodes()).containsExactlyInAnyOrder(A, B);
        assertThat(s.session()).containsEntry(GW.id().toString(), "g1");
        assertThat(m.apply(format("c2", member(GW, "g1"))).outcome()).isEqualTo(Outcome.INVALID);
        assertThat(m.state().clusterId()).isEqualTo("c1");
    }

    @Test
    void vdiTableRules() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));
        assertThat(m.apply(new MetadataCommand.CreateVdi(vdi("alice", 11, 0))).outcome())
                .isEqualTo(Outcome.VDI_EXISTS);
        assertThat(m.apply(new MetadataCommand.CreateVdi(vdi("bob", 10, 0))).outcome())
                .isEqualTo(Outcome.VID_IN_USE);
        // a snapshot shares the name
        assertThat(m.apply(new MetadataCommand.CreateVdi(vdi("alice", 12, 1))).ok()).isTrue();
        assertThat(m.state().workingVdi("alice").orElseThrow().vid()).isEqualTo(10);
        assertThat(m.apply(new MetadataCommand.UpdateVdi(vdi("alice", 10, 2))).ok()).isTrue();
        assertThat(m.state().workingVdi("alice")).isEmpty();
        assertThat(m.apply(new MetadataCommand.DeleteVdi("bob", 12)).outcome()).isEqualTo(Outcome.NO_SUCH_VDI);
        assertThat(m.apply(new MetadataCommand.DeleteVdi("alice", 12)).ok()).isTrue();
        assertThat(m.state().vdisByName()).extracting(VdiEntry::vid).containsExactly(10);
        assertThat(m.apply(new MetadataCommand.UpdateVdi(vdi("x", 99, 0))).outcome())
                .isEqualTo(Outcome.NO_SUCH_VDI);
    }

    @Test
    void aSnapshotFreezesTheWorkingVdiAndGivesItsNameANewWorkingChild() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));

        assertThat(m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 11, "snap1", 77)).ok()).isTrue();
        MetadataState s = m.state();
        VdiEntry frozen = s.vdi(10).orElseThrow();
        assertThat(frozen.snapshotId()).isEqualTo(1);
        assertThat(frozen.tag()).isEqualTo("snap1");
        assertThat(frozen.createdMillis()).as("a snapshot keeps its VDI's creation time").isEqualTo(5);
        VdiEntry working = s.workingVdi("alice").orElseThrow();
        assertThat(working.vid()).isEqualTo(11);
        assertThat(working.parentVid()).isEqualTo(10);
        assertThat(working.createdMillis()).isEqualTo(77);
        assertThat(working.size()).isEqualTo(frozen.size());
        assertThat(working.copies()).isEqualTo(frozen.copies());

        // Prepared against the old working VDI (through another node): refused, nothing changes.
        CommandResult stale = m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 12, "", 78));
        assertThat(stale.outcome()).isEqualTo(Outcome.VDI_CHANGED);
        assertThat(stale.message()).contains("alice").contains("00000b").contains("00000a");
        assertThat(m.apply(new MetadataCommand.SnapshotVdi("alice", 11, 12, "snap1", 78)).outcome())
                .as("tags are unique per VDI").isEqualTo(Outcome.VDI_EXISTS);
        assertThat(m.apply(new MetadataCommand.SnapshotVdi("alice", 11, 10, "", 78)).outcome())
                .isEqualTo(Outcome.VID_IN_USE);
        assertThat(m.apply(new MetadataCommand.SnapshotVdi("bob", 11, 12, "", 78)).outcome())
                .isEqualTo(Outcome.NO_SUCH_VDI);
        assertThat(m.state().vdis()).isEqualTo(s.vdis());

        assertThat(m.apply(new MetadataCommand.SnapshotVdi("alice", 11, 12, "", 79)).ok()).isTrue();
        assertThat(m.state().snapshots("alice")).extracting(VdiEntry::vid, VdiEntry::snapshotId, VdiEntry::tag)
                .containsExactly(tuple(10, 1, "snap1"), tuple(11, 2, ""));
        assertThat(m.state().snapshot("alice", "snap1").orElseThrow().vid()).isEqualTo(10);
        assertThat(m.state().snapshot("alice", 2).orElseThrow().vid()).isEqualTo(11);
    }

    @Test
    void aCloneNeedsASnapshotAndARollbackReplacesTheWorkingVdi() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));
        VdiEntry cloneOfWorking = new VdiEntry("bob", 20, 1 << 30, 6, 2, 0, "", 10);
        assertThat(m.apply(new MetadataCommand.CreateVdi(cloneOfWorking)).outcome())
                .as("a clone of a writable VDI").isEqualTo(Outcome.NO_SUCH_VDI);
        m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 11, "base", 7));
        assertThat(m.apply(new MetadataCommand.CreateVdi(cloneOfWorking)).ok()).isTrue();
        assertThat(m.state().workingVdi("bob").orElseThrow().parentVid()).isEqualTo(10);

        assertThat(m.apply(new MetadataCommand.RollbackVdi("alice", 11, 20, 12, 8)).outcome())
                .as("bob is not a snapshot of alice").isEqualTo(Outcome.NO_SUCH_VDI);
        assertThat(m.apply(new MetadataCommand.RollbackVdi("alice", 12, 10, 13, 8)).outcome())
                .isEqualTo(Outcome.VDI_CHANGED);
        assertThat(m.apply(new MetadataCommand.RollbackVdi("alice", 11, 10, 12, 8)).ok()).isTrue();
        MetadataState s = m.state();
        assertThat(s.workingVdi("alice").orElseThrow()).extracting(VdiEntry::vid, VdiEntry::parentVid,
                VdiEntry::createdMillis).containsExactly(12, 10, 8L);
        assertThat(s.vdi(11)).as("the rolled-back working VDI is gone").isEmpty();
        assertThat(s.retiredVids()).contains(11);
        assertThat(s.vdi(10).orElseThrow().snapshotId()).isEqualTo(1);
    }

    @Test
    void aDeletedSnapshotThatOthersWereMadeFromIsKeptHiddenUntilTheyAreGone() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 11, "one", 7));
        m.apply(new MetadataCommand.SnapshotVdi("alice", 11, 12, "two", 8));
        m.apply(new MetadataCommand.CreateVdi(new VdiEntry("bob", 20, 1 << 30, 9, 2, 0, "", 10)));

        assertThat(m.apply(new MetadataCommand.DeleteVdi("alice", 10)).ok()).isTrue();
        MetadataState s = m.state();
        assertThat(s.vdi(10).orElseThrow().deleted()).as("11 and bob read its objects").isTrue();
        assertThat(s.snapshot("alice", "one")).isEmpty();
        assertThat(s.vdisByName()).extracting(VdiEntry::vid).containsExactly(12, 11, 20);
        assertThat(s.retiredVids()).doesNotContain(10);
        assertThat(m.apply(new MetadataCommand.DeleteVdi("alice", 10)).outcome())
                .as("a hidden entry is not there to delete").isEqualTo(Outcome.NO_SUCH_VDI);
        assertThat(m.apply(new MetadataCommand.CreateVdi(new VdiEntry("carol", 21, 1, 9, 2, 0, "", 10))).outcome())
                .as("nor to clone").isEqualTo(Outcome.NO_SUCH_VDI);
        assertThat(m.apply(new MetadataCommand.SnapshotVdi("alice", 12, 13, "one", 9)).ok())
                .as("its tag is free again").isTrue();
        assertThat(m.state().vdi(12).orElseThrow().snapshotId()).as("numbers go on past the hidden one")
                .isEqualTo(3);

        m.apply(new MetadataCommand.DeleteVdi("bob", 20));
        assertThat(m.state().vdi(10)).as("11 still reads it").isPresent();
        // Deleting 11 hides it (12 was made from it); deleting 12 then 13 removes the whole chain.
        m.apply(new MetadataCommand.DeleteVdi("alice", 11));
        m.apply(new MetadataCommand.DeleteVdi("alice", 13));
        assertThat(m.state().vdis().keySet()).containsExactly(10, 11, 12);
        m.apply(new MetadataCommand.DeleteVdi("alice", 12));
        assertThat(m.state().vdis()).as("nothing reads 10 and 11 any more").isEmpty();
        assertThat(m.state().retiredVids()).contains(10, 11, 12, 13, 20);
    }

    @Test
    void aFlattenedCloneHasNoParentAndAHiddenParentLeftAloneGoes() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 11, "", 7));
        m.apply(new MetadataCommand.CreateVdi(new VdiEntry("bob", 20, 1 << 30, 9, 2, 0, "", 10)));
        m.apply(new MetadataCommand.DeleteVdi("alice", 11));
        m.apply(new MetadataCommand.DeleteVdi("alice", 10));
        assertThat(m.state().vdi(10).orElseThrow().deleted()).as("bob reads it").isTrue();
        assertThat(m.apply(new MetadataCommand.FlattenVdi("bob", 21)).outcome()).isEqualTo(Outcome.VDI_CHANGED);
        assertThat(m.apply(new MetadataCommand.FlattenVdi("bob", 20)).ok()).isTrue();
        assertThat(m.state().workingVdi("bob").orElseThrow().parentVid()).isZero();
        assertThat(m.state().vdis().keySet()).as("nothing reads 10 any more").containsExactly(20);
        assertThat(m.state().retiredVids()).contains(10, 11);
    }

    @Test
    void aResizeChangesOnlyTheWorkingVdiItWasMeantFor() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));
        m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 11, "", 7));
        assertThat(m.apply(new MetadataCommand.ResizeVdi("alice", 10, 2L << 30)).outcome())
                .as("10 is a snapshot now").isEqualTo(Outcome.VDI_CHANGED);
        assertThat(m.apply(new MetadataCommand.ResizeVdi("alice", 11, 2L << 30)).ok()).isTrue();
        assertThat(m.state().workingVdi("alice").orElseThrow().size()).isEqualTo(2L << 30);
        assertThat(m.state().vdi(10).orElseThrow().size()).isEqualTo(1L << 30);
        assertThat(m.apply(new MetadataCommand.ResizeVdi("bob", 11, 1)).outcome()).isEqualTo(Outcome.NO_SUCH_VDI);
    }

    @Test
    void newEpochIsACompareAndSet() {
        ClusterMetadata m = new ClusterMetadata();
        m.apply(format("c1", member(A, "a1"), member(B, "b1")));
        assertThat(m.apply(new MetadataCommand.NewEpoch(1, 2000, List.of(member(A, "a1")))).ok()).isTrue();
        CommandResult again = m.apply(new MetadataCommand.NewEpoch(1, 2001, List.of(member(A, "a1"))));
        assertThat(again.outcome()).isEqualTo(Outcome.STALE_EPOCH);
        assertThat(m.state().epochsNewestFirst()).extracting(e -> e.number()).containsExactly(2L, 1L);
        assertThat(m.state().currentEpoch().orElseThrow().startMillis()).isEqualTo(2000);
        assertThat(m.apply(new MetadataCommand.Resume(1, List.of())).outcome()).isEqualTo(Outcome.STALE_EPOCH);
        assertThat(m.apply(new MetadataCommand.Resume(2, List.of(member(A, "a2")))).ok()).isTrue();
        assertThat(m.state().session()).containsExactly(java.util.Map.entry(A.id().toString(), "a2"));
        assertThat(m.state().epochNumber()).isEqualTo(2);
    }

    @Test
    void theSameCommandsGiveTheSameStateEverywhereAndSurviveASnapshot() {
        long seed = System.nanoTime();
        System.out.println("ClusterMetadataTest seed " + seed);
        Random rnd = new Random(seed);
        List<MetadataCommand> log = new ArrayList<>();
        log.add(format("c1", member(A, "a1"), member(B, "b1")));
        for (int i = 0; i < 300; i++) {
            int vid = 1 + rnd.nextInt(40);
            log.add(switch (rnd.nextInt(4)) {
                case 0, 1 -> new MetadataCommand.CreateVdi(vdi("v" + rnd.nextInt(40), vid, rnd.nextInt(2)));
                case 2 -> new MetadataCommand.DeleteVdi("v" + rnd.nextInt(40), vid);
                default -> new MetadataCommand.NewEpoch(rnd.nextInt(5), i, List.of(member(A, "a" + i)));
            });
        }
        ClusterMetadata one = new ClusterMetadata();
        ClusterMetadata two = new ClusterMetadata();
        ClusterMetadata three = new ClusterMetadata();
        for (int i = 0; i < log.size(); i++) {
            // the replica sees every command through the wire format
            MetadataCommand c = log.get(i);
            byte[] wire = MetadataCodec.encode(c);
            assertThat(two.apply(MetadataCodec.decodeCommand(wire, 0, wire.length)))
                    .as("seed %d command %d", seed, i).isEqualTo(one.apply(c));
            if (i == 150) {
                three.restore(MetadataCodec.decodeState(MetadataCodec.encode(one.state())));
            } else if (i > 150) {
                three.apply(c);
            }
        }
        assertThat(two.state()).as("seed %d", seed).isEqualTo(one.state());
        assertThat(three.state()).as("seed %d", seed).isEqualTo(one.state());
        assertThat(one.state().version()).isEqualTo(log.size());
    }
}
