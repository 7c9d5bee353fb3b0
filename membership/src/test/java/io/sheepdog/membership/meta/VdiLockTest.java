package io.sheepdog.membership.meta;

import static io.sheepdog.membership.meta.ClusterMetadataTest.A;
import static io.sheepdog.membership.meta.ClusterMetadataTest.B;
import static io.sheepdog.membership.meta.ClusterMetadataTest.format;
import static io.sheepdog.membership.meta.ClusterMetadataTest.member;
import static io.sheepdog.membership.meta.ClusterMetadataTest.vdi;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write lock rules of the metadata state machine ({@link VdiLockRules}). */
class VdiLockTest {
    private static final LockHolder VM1_VIA_A = new LockHolder("10.0.0.5", A.id().toString(), "a:7000", "a1");
    private static final LockHolder VM1_VIA_A_RESTARTED = new LockHolder("10.0.0.5", A.id().toString(), "a:7000",
            "a2");
    private static final LockHolder VM2_VIA_A = new LockHolder("10.0.0.6", A.id().toString(), "a:7000", "a1");
    private static final LockHolder VM1_VIA_B = new LockHolder("10.0.0.5", B.id().toString(), "b:7001", "b1");

    private final ClusterMetadata m = new ClusterMetadata();

    @BeforeEach
    void formatWithAVdi() {
        m.apply(format("c1", member(A, "a1"), member(B, "b1")));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 10, 0)));
    }

    private CommandResult lock(LockHolder h) {
        return m.apply(new MetadataCommand.LockVdi("alice", h, 100));
    }

    private long generation() {
        return m.state().lock("alice").orElseThrow().generation();
    }

    @Test
    void aSecondClientIsRefusedWithTheHolderNamed() {
        assertThat(lock(VM1_VIA_A).ok()).isTrue();
        assertThat(generation()).isEqualTo(1);
        assertThat(lock(VM1_VIA_A).ok()).as("the same holder again (multi-conn, a retry)").isTrue();
        assertThat(generation()).isEqualTo(1);

        CommandResult other = lock(VM2_VIA_A);
        assertThat(other.outcome()).isEqualTo(Outcome.VDI_LOCKED);
        assertThat(other.message()).startsWith("VDI alice is locked by 10.0.0.5 through node a:7000 since ");
        assertThat(lock(VM1_VIA_B).outcome()).as("the same host through another node").isEqualTo(Outcome.VDI_LOCKED);
        assertThat(m.state().lock("alice").orElseThrow().holder()).isEqualTo(VM1_VIA_A);
        assertThat(m.apply(new MetadataCommand.LockVdi("bob", VM1_VIA_A, 1)).outcome())
                .isEqualTo(Outcome.NO_SUCH_VDI);
    }

    @Test
    void generationsGrowAndAnOldOneCannotUnlockOrWrite() {
        lock(VM1_VIA_A);
        assertThat(m.state().writeAllowed("alice", 1)).isTrue();
        assertThat(m.state().writeAllowed("alice", 0)).as("an unlocked writer while locked").isFalse();
        assertThat(m.apply(new MetadataCommand.UnlockVdi("alice", 1)).ok()).isTrue();
        assertThat(m.state().lock("alice")).isEmpty();
        assertThat(m.state().writeAllowed("alice", 1)).as("the released holder is fenced").isFalse();
        assertThat(m.state().writeAllowed("alice", 0)).isTrue();

        lock(VM2_VIA_A);
        assertThat(generation()).isEqualTo(2);
        CommandResult stale = m.apply(new MetadataCommand.UnlockVdi("alice", 1));
        assertThat(stale.outcome()).isEqualTo(Outcome.NO_SUCH_LOCK);
        assertThat(stale.message()).contains("generation 2 now, not 1");
        assertThat(m.state().lock("alice").orElseThrow().holder()).isEqualTo(VM2_VIA_A);
    }

    @Test
    void theSameClientThroughARestartedDaemonTakesTheLockOver() {
        lock(VM1_VIA_A);
        assertThat(lock(VM1_VIA_A_RESTARTED).ok()).isTrue();
        assertThat(m.state().lock("alice").orElseThrow().holder()).isEqualTo(VM1_VIA_A_RESTARTED);
        assertThat(generation()).as("the old incarnation's writes are fenced").isEqualTo(2);
    }

    @Test
    void aMigrationPassesTheLockOnTheDestinationsFirstWrite() {
        lock(VM1_VIA_A);
        assertThat(lock(VM1_VIA_B).outcome()).isEqualTo(Outcome.VDI_LOCKED);
        assertThat(m.apply(new MetadataCommand.MigrateVdiLock("alice", 1, A.id().toString())).outcome())
                .isEqualTo(Outcome.INVALID);
        assertThat(m.apply(new MetadataCommand.MigrateVdiLock("alice", 1, B.id().toString())).ok()).isTrue();
        assertThat(lock(VM1_VIA_B).ok()).as("the destination attaches as the standby").isTrue();
        VdiLock l = m.state().lock("alice").orElseThrow();
        assertThat(l.holder()).isEqualTo(VM1_VIA_A);
        assertThat(l.standbyHolder()).contains(VM1_VIA_B);
        assertThat(lock(VM2_VIA_A).outcome()).as("a third client").isEqualTo(Outcome.VDI_LOCKED);

        assertThat(m.apply(new MetadataCommand.PassVdiLock("alice", 1, VM2_VIA_A, 200)).outcome())
                .as("only the standby may take it").isEqualTo(Outcome.NO_SUCH_LOCK);
        assertThat(m.apply(new MetadataCommand.PassVdiLock("alice", 1, VM1_VIA_B, 200)).ok()).isTrue();
        l = m.state().lock("alice").orElseThrow();
        assertThat(l.holder()).isEqualTo(VM1_VIA_B);
        assertThat(l.generation()).isEqualTo(2);
        assertThat(l.standby()).isNull();
        assertThat(l.migrateTo()).isEmpty();
        assertThat(m.state().writeAllowed("alice", 1)).as("the source is fenced").isFalse();
        assertThat(m.apply(new MetadataCommand.UnlockVdi("alice", 1)).outcome())
                .as("the source closing does not release the destination's lock").isEqualTo(Outcome.NO_SUCH_LOCK);
    }

    @Test
    void aSourceThatClosesFirstHandsTheLockToItsStandby() {
        lock(VM1_VIA_A);
        m.apply(new MetadataCommand.MigrateVdiLock("alice", 1, B.id().toString()));
        lock(VM1_VIA_B);
        assertThat(m.apply(new MetadataCommand.UnlockVdi("alice", 1)).ok()).isTrue();
        assertThat(m.state().lock("alice").orElseThrow().holder()).isEqualTo(VM1_VIA_B);
        assertThat(generation()).isEqualTo(2);
        m.apply(new MetadataCommand.MigrateVdiLock("alice", 2, A.id().toString()));
        m.apply(new MetadataCommand.MigrateVdiLock("alice", 2, ""));
        assertThat(lock(VM1_VIA_A).outcome()).as("a cancelled migration").isEqualTo(Outcome.VDI_LOCKED);
    }

    @Test
    void aLockedVdiCannotBeRolledBackDeletedOrShared() {
        m.apply(new MetadataCommand.SnapshotVdi("alice", 10, 11, "s1", 50));
        lock(VM1_VIA_A);
        CommandResult rollback = m.apply(new MetadataCommand.RollbackVdi("alice", 11, 10, 12, 60));
        assertThat(rollback.outcome()).isEqualTo(Outcome.VDI_LOCKED);
        assertThat(rollback.message()).startsWith("cannot roll back VDI alice while it is attached: VDI alice is"
                + " locked by 10.0.0.5");
        assertThat(m.apply(new MetadataCommand.DeleteVdi("alice", 11)).outcome()).isEqualTo(Outcome.VDI_LOCKED);
        assertThat(m.apply(new MetadataCommand.SetVdiShared("alice", true)).outcome())
                .isEqualTo(Outcome.VDI_LOCKED);
        assertThat(m.apply(new MetadataCommand.DeleteVdi("alice", 10)).ok()).as("a snapshot may go").isTrue();
        assertThat(m.state().workingVdi("alice")).isPresent();
    }

    @Test
    void aSharedVdiTakesNoLockUntilItIsExclusiveAgain() {
        assertThat(m.apply(new MetadataCommand.SetVdiShared("alice", true)).ok()).isTrue();
        assertThat(lock(VM1_VIA_A).outcome()).isEqualTo(Outcome.INVALID);
        assertThat(m.state().writeAllowed("alice", 0)).isTrue();
        m.apply(new MetadataCommand.SetVdiShared("alice", false));
        assertThat(lock(VM1_VIA_A).ok()).isTrue();
        m.apply(new MetadataCommand.UnlockVdi("alice", 1));

        m.apply(new MetadataCommand.SetVdiShared("alice", true));
        m.apply(new MetadataCommand.DeleteVdi("alice", 10));
        m.apply(new MetadataCommand.CreateVdi(vdi("alice", 20, 0)));
        assertThat(m.state().shared("alice")).as("a new VDI of the name starts exclusive").isFalse();
        assertThat(lock(VM1_VIA_A).ok()).isTrue();
        assertThat(generation()).as("generations are never reused").isEqualTo(2);
    }

    @Test
    void locksSurviveTheSnapshotFormatAndOldSnapshotsHaveNone() {
        lock(VM1_VIA_A);
        m.apply(new MetadataCommand.MigrateVdiLock("alice", 1, B.id().toString()));
        lock(VM1_VIA_B);
        MetadataState s = m.state();
        MetadataState copy = MetadataCodec.decodeState(MetadataCodec.encode(s));
        assertThat(copy).isEqualTo(s);
        MetadataCommand c = new MetadataCommand.PassVdiLock("alice", 1, VM1_VIA_B, 5);
        byte[] json = MetadataCodec.encode(c);
        assertThat(MetadataCodec.decodeCommand(json, 0, json.length)).isEqualTo(c);

        String old = "{\"format\":null,\"vdis\":{},\"epochs\":[],\"session\":{},\"version\":3}";
        MetadataState fromOld = MetadataCodec.decodeState(old.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(fromOld.locks()).isEmpty();
        assertThat(fromOld.sharedVdis()).isEmpty();
        assertThat(fromOld.writeAllowed("x", 0)).isTrue();
        assertThat(fromOld.lockGenerations()).isEmpty();
    }
}
