package io.sheepdog.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.vdi.InodeLayout;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The VDI rules every {@link VdiOps} follows, run against the daemon's {@code VdiService} and against
 * {@link FakeSheep}, so that the fake the collie and client tests use cannot drift from the daemon. A rule changed in
 * one of them and not the other fails here. The tests state the rules as numbers (ids, limits) rather than through
 * the daemon's helpers, so changing a helper changes what both do and still fails here.
 *
 * <p>Messages are not part of the contract (FakeSheep keeps some wording of its own, see there); result codes are.
 */
public abstract class VdiOpsContract {
    /** The cluster default of copies {@link #formatted(int)} is asked for. */
    protected static final int DEFAULT_COPIES = 2;
    private static final long MIB = 1L << 20;
    private static final int OBJECT_SIZE = ObjectLayout.OBJECT_SIZE;

    /** A fresh implementation of a cluster formatted with {@code defaultCopies}, holding no VDI. */
    protected abstract VdiOps formatted(int defaultCopies) throws Exception;

    /** A fresh implementation of a cluster that is not formatted. */
    protected abstract VdiOps unformatted() throws Exception;

    @Test
    void aVdiGetsTheLow24BitsOfFnv1aOfItsNameAndTheClusterDefaultCopies() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        VdiInfo v = vdis.create("test", 4 * MIB, 0);
        // FNV-1a 64 of "test" ends in 0x7c2b25 (collie's "vdi create -v test" prints it).
        assertThat(v.vid()).isEqualTo(0x7c2b25);
        assertThat(v).extracting(VdiInfo::name, VdiInfo::size, VdiInfo::usedBytes, VdiInfo::copies,
                VdiInfo::snapshotId, VdiInfo::parentVid).containsExactly("test", 4 * MIB, 0L, DEFAULT_COPIES, 0, 0);
        assertThat(vdis.lookup("test")).isEqualTo(v);
    }

    @Test
    void collidingIdsProbeUpwardsToTheNextFreeId() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        // Both names hash to 0xcb532b.
        assertThat(vdis.create("vdi-3498", MIB, 0).vid()).isEqualTo(0xcb532b);
        assertThat(vdis.create("vdi-30362", MIB, 0).vid()).isEqualTo(0xcb532c);
    }

    @Test
    void copiesAreZeroForTheDefaultOrOneToThirtyOne() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        assertThat(vdis.create("c1", MIB, 1).copies()).isEqualTo(1);
        assertThat(vdis.create("c31", MIB, 31).copies()).isEqualTo(31);
        assertThat(vdis.lookup("c31").copies()).isEqualTo(31);
        assertInvalid(() -> vdis.create("c32", MIB, 32));
        assertInvalid(() -> vdis.create("c-1", MIB, -1));
        assertThat(vdis.list()).extracting(VdiInfo::name).containsExactly("c1", "c31");
    }

    @Test
    void namesAreOneTo256BytesWithoutSlashesOrControlCharacters() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        assertThat(vdis.create("x".repeat(256), MIB, 0).name()).hasSize(256);
        assertThat(vdis.create("\u00e9".repeat(128), MIB, 0).name()).hasSize(128);
        for (String bad : new String[] {"", "x".repeat(257), "\u00e9".repeat(129), "a/b", "tab\there", "nul\0"}) {
            assertInvalid(() -> vdis.create(bad, MIB, 0));
        }
        assertThat(vdis.list()).hasSize(2);
    }

    @Test
    void sizesRunFromOneByteToWhatOneInodeMaps() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        assertThat(vdis.create("one", 1, 0).size()).isEqualTo(1);
        // 2^20 objects of 4 MiB, less the 1024 map entries whose room the inode's 4 KiB header takes.
        assertThat(InodeLayout.MAX_VDI_SIZE).isEqualTo(((1L << 20) - 1024) * OBJECT_SIZE);
        assertThat(vdis.create("max", InodeLayout.MAX_VDI_SIZE, 0).size()).isEqualTo(InodeLayout.MAX_VDI_SIZE);
        for (long bad : new long[] {0, -1, InodeLayout.MAX_VDI_SIZE + 1, 4L << 40}) {
            assertInvalid(() -> vdis.create("bad", bad, 0));
        }
    }

    @Test
    void aNameIsTakenOnce() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        vdis.create("taken", MIB, 0);
        assertCode(() -> vdis.create("taken", 2 * MIB, 1), ResultCode.VDI_EXISTS);
        assertThat(vdis.lookup("taken").size()).isEqualTo(MIB);
    }

    @Test
    void aMissingVdiIsNoVdiForEveryOperation() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        assertCode(() -> vdis.lookup("ghost"), ResultCode.NO_VDI);
        assertCode(() -> vdis.delete("ghost"), ResultCode.NO_VDI);
        assertCode(() -> vdis.objects("ghost"), ResultCode.NO_VDI);
        assertFails(vdis.read(0x123456, 0, 1), ResultCode.NO_VDI);
        assertFails(write(vdis, 0x123456, 0, new byte[1]), ResultCode.NO_VDI);
        assertFails(vdis.flush(0x123456), ResultCode.NO_VDI);
    }

    @Test
    void theListIsSortedByName() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        vdis.create("bravo", MIB, 0);
        vdis.create("alpha", MIB, 0);
        vdis.create("charlie", MIB, 0);
        assertThat(vdis.list()).extracting(VdiInfo::name).containsExactly("alpha", "bravo", "charlie");
        vdis.delete("bravo");
        assertThat(vdis.list()).extracting(VdiInfo::name).containsExactly("alpha", "charlie");
    }

    @Test
    void writesReadBackHolesReadAsZeroesAndWrittenObjectsCountAsUsed() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int vid = vdis.create("data", 3L * OBJECT_SIZE, 0).vid();
        write(vdis, vid, OBJECT_SIZE - 2, new byte[] {1, 2, 3, 4}).get(10, TimeUnit.SECONDS);
        vdis.flush(vid).get(10, TimeUnit.SECONDS);

        assertThat(read(vdis, vid, OBJECT_SIZE - 3, 6)).containsExactly(0, 1, 2, 3, 4, 0);
        assertThat(read(vdis, vid, 2L * OBJECT_SIZE, 3)).containsExactly(0, 0, 0);
        assertThat(vdis.lookup("data").usedBytes()).isEqualTo(2L * OBJECT_SIZE);
        assertThat(vdis.list().get(0).usedBytes()).isEqualTo(2L * OBJECT_SIZE);
        assertThat(vdis.objects("data")).containsExactly(ObjectId.inode(vid), ObjectId.data(vid, 0),
                ObjectId.data(vid, 1));
    }

    @Test
    void zeroesReadAsZeroesADiscardUnmapsTheWholeObjectsItCoversAndKeepsHolesHoles() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int vid = vdis.create("z", 3L * OBJECT_SIZE, 0).vid();
        byte[] sevens = new byte[2 * OBJECT_SIZE];
        java.util.Arrays.fill(sevens, (byte) 7);
        write(vdis, vid, 0, sevens).get(10, TimeUnit.SECONDS);
        vdis.zero(vid, OBJECT_SIZE - 4096, OBJECT_SIZE + 4096, true, false).get(10, TimeUnit.SECONDS);
        assertThat(read(vdis, vid, OBJECT_SIZE - 4097, 2)).containsExactly(7, 0);
        assertThat(read(vdis, vid, 2L * OBJECT_SIZE - 1, 1)).containsExactly(0);
        assertThat(vdis.objects("z")).as("object 1 was discarded whole, object 0 in part")
                .containsExactly(ObjectId.inode(vid), ObjectId.data(vid, 0));
        vdis.zero(vid, 2L * OBJECT_SIZE, 4096, true, false).get(10, TimeUnit.SECONDS);
        assertThat(vdis.objects("z")).as("a discarded hole").hasSize(2);
        vdis.zero(vid, 2L * OBJECT_SIZE, 4096, false, false).get(10, TimeUnit.SECONDS);
        assertThat(vdis.objects("z")).as("allocated zeroes").contains(ObjectId.data(vid, 2));
        assertThat(read(vdis, vid, 2L * OBJECT_SIZE, 2)).containsExactly(0, 0);

        VdiInfo snap = vdis.snapshot("z", "");
        int working = vdis.lookup("z").vid();
        vdis.zero(working, 0, OBJECT_SIZE, true, false).get(10, TimeUnit.SECONDS);
        assertThat(read(vdis, working, 0, 1)).containsExactly(0);
        assertThat(read(vdis, snap.vid(), 0, 1)).as("the snapshot keeps what it shared").containsExactly(7);
        assertFails(vdis.zero(snap.vid(), 0, 1, true, false), ResultCode.READONLY);
        assertFails(vdis.zero(working, 3L * OBJECT_SIZE - 1, 2, true, false), ResultCode.INVALID_PARAMS);
    }

    @Test
    void ioOutsideTheVdiIsInvalid() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int vid = vdis.create("small", MIB, 0).vid();
        assertFails(vdis.read(vid, MIB - 1, 2), ResultCode.INVALID_PARAMS);
        assertFails(vdis.read(vid, -1, 1), ResultCode.INVALID_PARAMS);
        assertFails(vdis.read(vid, Long.MAX_VALUE, 2), ResultCode.INVALID_PARAMS);
        assertFails(write(vdis, vid, MIB, new byte[1]), ResultCode.INVALID_PARAMS);
        assertThat(read(vdis, vid, MIB - 1, 1)).containsExactly(0);
    }

    @Test
    void aDeletedVdisIdIsRetiredAndANewVdiOfItsNameStartsEmpty() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int old = vdis.create("reuse", MIB, 0).vid();
        write(vdis, old, 0, new byte[] {9}).get(10, TimeUnit.SECONDS);
        vdis.delete("reuse");
        assertFails(vdis.read(old, 0, 1), ResultCode.NO_VDI);

        int again = vdis.create("reuse", MIB, 0).vid();
        assertThat(again).as("the old id is retired; probing takes the next").isEqualTo(old + 1);
        assertFails(vdis.read(old, 0, 1), ResultCode.NO_VDI);
        assertThat(read(vdis, again, 0, 1)).containsExactly(0);
        assertThat(vdis.objects("reuse")).containsExactly(ObjectId.inode(again));
    }

    @Test
    void nothingWorksBeforeTheClusterIsFormatted() throws Exception {
        VdiOps vdis = unformatted();
        assertCode(() -> vdis.create("a", MIB, 0), ResultCode.NOT_FORMATTED);
        assertCode(vdis::list, ResultCode.NOT_FORMATTED);
        assertCode(() -> vdis.lookup("a"), ResultCode.NOT_FORMATTED);
        assertCode(() -> vdis.delete("a"), ResultCode.NOT_FORMATTED);
    }

    // ---- the lifecycle: snapshots, clones, rollback, resize ----

    @Test
    void aSnapshotFreezesTheContentAndTheNameStaysWritable() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        VdiInfo before = vdis.create("alice", 2L * OBJECT_SIZE, 0);
        write(vdis, before.vid(), 10, new byte[] {1, 1}).get(10, TimeUnit.SECONDS);

        VdiInfo snap = vdis.snapshot("alice", "snap1");
        assertThat(snap).extracting(VdiInfo::name, VdiInfo::vid, VdiInfo::snapshotId, VdiInfo::tag,
                VdiInfo::usedBytes, VdiInfo::sharedBytes)
                .as("the VDI's id becomes the snapshot, as in Sheepdog")
                .containsExactly("alice", before.vid(), 1, "snap1", (long) OBJECT_SIZE, 0L);
        VdiInfo working = vdis.lookup("alice");
        assertThat(working.vid()).isNotEqualTo(before.vid());
        assertThat(working).extracting(VdiInfo::snapshotId, VdiInfo::parentVid, VdiInfo::size, VdiInfo::usedBytes,
                VdiInfo::sharedBytes, VdiInfo::cloned)
                .containsExactly(0, before.vid(), before.size(), 0L, (long) OBJECT_SIZE, false);

        write(vdis, working.vid(), 11, new byte[] {2}).get(10, TimeUnit.SECONDS);
        assertThat(read(vdis, working.vid(), 10, 2)).containsExactly(1, 2);
        assertThat(read(vdis, snap.vid(), 10, 2)).as("the snapshot is unchanged").containsExactly(1, 1);
        assertThat(vdis.lookup("alice")).extracting(VdiInfo::usedBytes, VdiInfo::sharedBytes)
                .as("the first write copied the object").containsExactly((long) OBJECT_SIZE, 0L);
        assertFails(write(vdis, snap.vid(), 0, new byte[] {3}), ResultCode.READONLY);
        assertThat(vdis.list()).extracting(VdiInfo::name, VdiInfo::snapshotId)
                .as("sorted by name, then snapshot number").containsExactly(tuple("alice", 0), tuple("alice", 1));

        assertThat(vdis.snapshot("alice", "").snapshotId()).as("untagged, numbered on").isEqualTo(2);
        assertThat(read(vdis, vdis.lookup("alice").vid(), 10, 2)).containsExactly(1, 2);
    }

    @Test
    void snapshotTagsAreUniquePerVdiAndNeverAllDigits() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        vdis.create("alice", MIB, 0);
        vdis.create("bob", MIB, 0);
        vdis.snapshot("alice", "base");
        assertCode(() -> vdis.snapshot("alice", "base"), ResultCode.VDI_EXISTS);
        assertThat(vdis.snapshot("bob", "base").tag()).as("unique per VDI, not per cluster").isEqualTo("base");
        assertInvalid(() -> vdis.snapshot("alice", "12"));
        assertInvalid(() -> vdis.snapshot("alice", "a\tb"));
        assertInvalid(() -> vdis.snapshot("alice", "t".repeat(257)));
        assertCode(() -> vdis.snapshot("carol", ""), ResultCode.NO_VDI);
    }

    @Test
    void aCloneSharesItsSnapshotAndCopiesOnItsFirstWrite() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int base = vdis.create("golden", 2L * OBJECT_SIZE, 1).vid();
        write(vdis, base, OBJECT_SIZE + 5, new byte[] {7, 7}).get(10, TimeUnit.SECONDS);
        vdis.snapshot("golden", "v1");

        VdiInfo clone = vdis.clone("golden", SnapshotRef.parse("v1"), "vm1");
        assertThat(clone).extracting(VdiInfo::name, VdiInfo::snapshotId, VdiInfo::parentVid, VdiInfo::copies,
                VdiInfo::usedBytes, VdiInfo::sharedBytes)
                .containsExactly("vm1", 0, base, 1, 0L, (long) OBJECT_SIZE);
        VdiInfo byNumber = vdis.clone("golden", SnapshotRef.parse("1"), "vm2");
        assertThat(byNumber.parentVid()).isEqualTo(base);
        assertThat(clone.cloned()).isTrue();
        vdis.snapshot("vm2", "");
        assertThat(vdis.lookup("vm2").cloned()).as("a clone's snapshot leaves a clone behind").isTrue();
        assertThat(vdis.lookup("golden").cloned()).isFalse();

        write(vdis, clone.vid(), OBJECT_SIZE + 6, new byte[] {8}).get(10, TimeUnit.SECONDS);
        assertThat(read(vdis, clone.vid(), OBJECT_SIZE + 5, 2)).containsExactly(7, 8);
        assertThat(read(vdis, vdis.lookup("vm2").vid(), OBJECT_SIZE + 5, 2)).containsExactly(7, 7);
        assertThat(read(vdis, base, OBJECT_SIZE + 5, 2)).containsExactly(7, 7);

        assertCode(() -> vdis.clone("golden", SnapshotRef.parse("v2"), "vm3"), ResultCode.NO_VDI);
        assertCode(() -> vdis.clone("golden", SnapshotRef.parse("3"), "vm3"), ResultCode.NO_VDI);
        assertCode(() -> vdis.clone("nothing", SnapshotRef.parse("v1"), "vm3"), ResultCode.NO_VDI);
        assertCode(() -> vdis.clone("golden", SnapshotRef.parse("v1"), "vm1"), ResultCode.VDI_EXISTS);
        assertInvalid(() -> vdis.clone("golden", SnapshotRef.parse("v1"), "a/b"));
    }

    @Test
    void aRollbackReturnsTheNameToItsSnapshot() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int first = vdis.create("alice", 2L * OBJECT_SIZE, 0).vid();
        write(vdis, first, 0, new byte[] {1}).get(10, TimeUnit.SECONDS);
        vdis.snapshot("alice", "good");
        int second = vdis.lookup("alice").vid();
        write(vdis, second, 0, new byte[] {2}).get(10, TimeUnit.SECONDS);
        write(vdis, second, OBJECT_SIZE, new byte[] {2}).get(10, TimeUnit.SECONDS);

        VdiInfo back = vdis.rollback("alice", SnapshotRef.parse("good"));
        assertThat(back.vid()).isNotIn(first, second);
        assertThat(back).extracting(VdiInfo::snapshotId, VdiInfo::parentVid, VdiInfo::usedBytes, VdiInfo::sharedBytes)
                .containsExactly(0, first, 0L, (long) OBJECT_SIZE);
        assertThat(vdis.lookup("alice").vid()).isEqualTo(back.vid());
        assertThat(read(vdis, back.vid(), 0, 1)).containsExactly(1);
        assertThat(read(vdis, back.vid(), OBJECT_SIZE, 1)).containsExactly(0);
        assertFails(vdis.read(second, 0, 1), ResultCode.NO_VDI);
        assertThat(vdis.list()).extracting(VdiInfo::vid).containsExactly(back.vid(), first);
        assertCode(() -> vdis.rollback("alice", SnapshotRef.parse("bad")), ResultCode.NO_VDI);
        assertCode(() -> vdis.rollback("bob", SnapshotRef.parse("good")), ResultCode.NO_VDI);
    }

    @Test
    void deletingASnapshotKeepsWhatTheVdisMadeFromItRead() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int first = vdis.create("alice", 2L * OBJECT_SIZE, 0).vid();
        write(vdis, first, 0, new byte[] {1}).get(10, TimeUnit.SECONDS);
        write(vdis, first, OBJECT_SIZE, new byte[] {1}).get(10, TimeUnit.SECONDS);
        vdis.snapshot("alice", "one");
        VdiInfo clone = vdis.clone("alice", SnapshotRef.parse("one"), "bob");
        int second = vdis.lookup("alice").vid();
        write(vdis, second, 0, new byte[] {2}).get(10, TimeUnit.SECONDS);

        vdis.deleteSnapshot("alice", SnapshotRef.parse("one"));
        assertThat(vdis.list()).extracting(VdiInfo::name, VdiInfo::snapshotId)
                .containsExactly(tuple("alice", 0), tuple("bob", 0));
        assertThat(read(vdis, second, 0, 1)).containsExactly(2);
        assertThat(read(vdis, second, OBJECT_SIZE, 1)).as("still shared with the deleted snapshot").containsExactly(1);
        assertThat(read(vdis, clone.vid(), 0, 1)).containsExactly(1);
        assertThat(vdis.lookup("bob").sharedBytes()).isEqualTo(2L * OBJECT_SIZE);
        assertThat(vdis.lookup("bob").cloned()).isTrue();
        assertThat(vdis.lookup("alice").cloned()).as("its parent is hidden, its name's own").isFalse();
        assertCode(() -> vdis.deleteSnapshot("alice", SnapshotRef.parse("one")), ResultCode.NO_VDI);
        assertCode(() -> vdis.clone("alice", SnapshotRef.parse("1"), "carol"), ResultCode.NO_VDI);
        assertThat(vdis.snapshot("alice", "one").snapshotId()).as("numbers are not given twice").isEqualTo(2);

        vdis.delete("bob");
        vdis.delete("alice");
        assertThat(vdis.list()).extracting(VdiInfo::name, VdiInfo::snapshotId).containsExactly(tuple("alice", 2));
        assertCode(() -> vdis.deleteSnapshot("alice", SnapshotRef.parse("7")), ResultCode.NO_VDI);
    }

    @Test
    void theClusterHoldsEveryInodeAndEveryObjectALiveVdiOrSnapshotMaps() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int first = vdis.create("alice", 2L * OBJECT_SIZE, 0).vid();
        write(vdis, first, 0, new byte[] {1}).get(10, TimeUnit.SECONDS);
        vdis.snapshot("alice", "");
        int second = vdis.lookup("alice").vid();
        write(vdis, second, 0, new byte[] {2}).get(10, TimeUnit.SECONDS);
        write(vdis, second, OBJECT_SIZE, new byte[] {2}).get(10, TimeUnit.SECONDS);
        assertThat(vdis.allObjects()).containsExactlyInAnyOrder(ObjectId.inode(first), ObjectId.data(first, 0),
                ObjectId.inode(second), ObjectId.data(second, 0), ObjectId.data(second, 1));
        assertThat(vdis.objects("alice")).as("the working VDI alone")
                .containsExactly(ObjectId.inode(second), ObjectId.data(second, 0), ObjectId.data(second, 1));
        assertThat(vdis.objectMap(first)).containsExactly(first, 0);
        assertThat(vdis.objectMap(second)).containsExactly(second, second);
        vdis.snapshot("alice", "");
        assertThat(vdis.objects("alice")).as("shared objects carry their owner's id")
                .containsExactly(ObjectId.inode(vdis.lookup("alice").vid()), ObjectId.data(second, 0),
                        ObjectId.data(second, 1));
    }

    @Test
    void aFlattenedCloneOwnsAllItsDataAndOutlivesItsSnapshot() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int base = vdis.create("golden", 3L * OBJECT_SIZE, 0).vid();
        write(vdis, base, 0, new byte[] {4}).get(10, TimeUnit.SECONDS);
        write(vdis, base, 2L * OBJECT_SIZE, new byte[] {6}).get(10, TimeUnit.SECONDS);
        vdis.snapshot("golden", "v1");
        int clone = vdis.clone("golden", SnapshotRef.parse("v1"), "vm").vid();
        write(vdis, clone, 1, new byte[] {5}).get(10, TimeUnit.SECONDS);

        VdiInfo flat = vdis.flatten("vm");
        assertThat(flat).extracting(VdiInfo::vid, VdiInfo::parentVid, VdiInfo::cloned, VdiInfo::usedBytes,
                VdiInfo::sharedBytes).containsExactly(clone, 0, false, 2L * OBJECT_SIZE, 0L);
        vdis.deleteSnapshot("golden", SnapshotRef.parse("v1"));
        vdis.delete("golden");
        assertThat(read(vdis, clone, 0, 2)).containsExactly(4, 5);
        assertThat(read(vdis, clone, 2L * OBJECT_SIZE, 1)).containsExactly(6);
        assertThat(vdis.allObjects()).containsExactlyInAnyOrder(ObjectId.inode(clone), ObjectId.data(clone, 0),
                ObjectId.data(clone, 2));
        assertThat(vdis.flatten("vm").usedBytes()).as("flattening again changes nothing").isEqualTo(2L * OBJECT_SIZE);
    }

    @Test
    void aResizeGrowsFreelyAndShrinksOnlyWhenForced() throws Exception {
        VdiOps vdis = formatted(DEFAULT_COPIES);
        int vid = vdis.create("disk", OBJECT_SIZE + MIB, 0).vid();
        write(vdis, vid, OBJECT_SIZE + 10, new byte[] {5, 5}).get(10, TimeUnit.SECONDS);

        assertThat(vdis.resize("disk", 3L * OBJECT_SIZE, false).size()).isEqualTo(3L * OBJECT_SIZE);
        assertThat(read(vdis, vid, 3L * OBJECT_SIZE - 1, 1)).as("the grown part reads as zeroes").containsExactly(0);
        assertThat(read(vdis, vid, OBJECT_SIZE + 10, 2)).containsExactly(5, 5);

        assertInvalid(() -> vdis.resize("disk", OBJECT_SIZE + 11, false));
        assertThat(vdis.lookup("disk").size()).isEqualTo(3L * OBJECT_SIZE);
        assertThat(vdis.resize("disk", OBJECT_SIZE + 11, true).size()).isEqualTo(OBJECT_SIZE + 11);
        assertFails(vdis.read(vid, OBJECT_SIZE + 10, 2), ResultCode.INVALID_PARAMS);
        vdis.resize("disk", 2L * OBJECT_SIZE, false);
        assertThat(read(vdis, vid, OBJECT_SIZE + 10, 2)).as("what was cut off stays gone").containsExactly(5, 0);

        assertInvalid(() -> vdis.resize("disk", 0, true));
        assertCode(() -> vdis.resize("nobody", MIB, false), ResultCode.NO_VDI);
    }

    private static CompletableFuture<Void> write(VdiOps vdis, int vid, long offset, byte[] data) {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        return vdis.write(vid, offset, b, false).whenComplete((v, e) -> b.release());
    }

    private static byte[] read(VdiOps vdis, int vid, long offset, int length) throws Exception {
        ByteBuf b = vdis.read(vid, offset, length).get(10, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), out);
            return out;
        } finally {
            b.release();
        }
    }

    private static void assertInvalid(Call call) {
        assertCode(call, ResultCode.INVALID_PARAMS);
    }

    private static void assertCode(Call call, ResultCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SheepException.class,
                e -> assertThat(e.result()).as(e.getMessage()).isEqualTo(code));
    }

    private static void assertFails(CompletableFuture<?> f, ResultCode code) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(SheepException.class,
                        e -> assertThat(e.result()).as(e.getMessage()).isEqualTo(code));
    }

    /** An administrative call. */
    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }
}
