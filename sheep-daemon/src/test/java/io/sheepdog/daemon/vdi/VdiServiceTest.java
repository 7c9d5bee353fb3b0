package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VdiServiceTest {
    private VdiFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void createListLookupDelete() throws Exception {
        fx = new VdiFixture(true);
        VdiInfo a = fx.service.create("alice", 10L << 30, 0);
        assertThat(a.vid()).isEqualTo(VdiIds.hash("alice"));
        assertThat(a.size()).isEqualTo(10L << 30);
        assertThat(a.usedBytes()).isZero();
        assertThat(a.copies()).isEqualTo(1);
        fx.service.create("bob", 1 << 20, 2);
        assertThat(fx.service.list()).extracting(VdiInfo::name).containsExactly("alice", "bob");
        assertThat(fx.service.lookup("bob").copies()).isEqualTo(2);

        fx.service.delete("alice");
        assertThat(fx.service.list()).extracting(VdiInfo::name).containsExactly("bob");
        assertThat(fx.objects.stat(ObjectId.inode(a.vid()))).isEmpty();
    }

    @Test
    void aNewVdiIsThinAndWritesAllocateObjectsCountedAsUsed() throws Exception {
        fx = new VdiFixture(true);
        VdiInfo a = fx.service.create("thin", 64L << 20, 0);
        long[] count = {0};
        fx.objects.forEachObject(oid -> count[0]++);
        assertThat(count[0]).as("only the inode object").isEqualTo(1);

        write(a.vid(), ObjectLayout.OBJECT_SIZE - 2, new byte[] {1, 2, 3, 4});
        assertThat(fx.service.lookup("thin").usedBytes()).isEqualTo(2L * ObjectLayout.OBJECT_SIZE);
        assertThat(fx.objects.stat(ObjectId.data(a.vid(), 0))).isPresent();
        assertThat(fx.objects.stat(ObjectId.data(a.vid(), 1))).isPresent();
        assertThat(fx.objects.stat(ObjectId.data(a.vid(), 2))).isEmpty();
    }

    /**
     * Space comes back: after every delete the store holds exactly the objects a live VDI reads (each VDI's own, the
     * ones it shares with ancestors) plus their inodes, counted in the store itself.
     */
    @Test
    void deletesFreeExactlyTheObjectsNoLiveVdiReads() throws Exception {
        fx = new VdiFixture(true);
        int obj = ObjectLayout.OBJECT_SIZE;
        int a1 = fx.service.create("alice", 4L * obj, 0).vid();
        for (int i = 0; i < 4; i++) {
            write(a1, (long) i * obj, new byte[] {1});
        }
        fx.service.snapshot("alice", "one");                         // a1 frozen; a2 works and shares 0..3
        int a2 = fx.service.lookup("alice").vid();
        write(a2, 0, new byte[] {2});                                 // a2 owns 0
        int bob = fx.service.clone("alice", SnapshotRef.parse("one"), "bob").vid();
        write(bob, obj, new byte[] {3});                              // bob owns 1
        assertThat(objects()).containsExactlyInAnyOrder(inodes(a1, a2, bob, data(a1, 0, 1, 2, 3), data(a2, 0),
                data(bob, 1)));

        fx.service.deleteSnapshot("alice", SnapshotRef.parse("one"));
        assertThat(objects()).as("a1 stays hidden: a2 reads a1's 1..3 and bob reads 0, 2, 3")
                .containsExactlyInAnyOrder(inodes(a1, a2, bob, data(a1, 0, 1, 2, 3), data(a2, 0), data(bob, 1)));
        write(a2, obj, new byte[] {2});                               // a2 owns 1 too now
        fx.service.delete("bob");
        assertThat(objects()).as("bob's own object and a1's 0 (only bob read it) are gone")
                .containsExactlyInAnyOrder(inodes(a1, a2, data(a1, 2, 3), data(a2, 0, 1)));
        fx.service.delete("alice");
        assertThat(objects()).as("nothing reads anything").isEmpty();
        assertThat(fx.service.list()).isEmpty();
    }

    /**
     * A delete whose gateway crashed right after the commit leaves the objects it should have freed; the leader's
     * periodic {@link VdiService#reclaimHidden} frees them, and only them.
     */
    @Test
    void theReclaimSweepFreesWhatACrashAfterADeleteLeft() throws Exception {
        fx = new VdiFixture(true);
        int obj = ObjectLayout.OBJECT_SIZE;
        int a1 = fx.service.create("alice", 2L * obj, 0).vid();
        write(a1, 0, new byte[] {1});
        write(a1, obj, new byte[] {1});
        fx.service.snapshot("alice", "one");
        int a2 = fx.service.lookup("alice").vid();
        write(a2, 0, new byte[] {2});                                 // a2 owns 0, reads a1's 1
        // The commit alone, as if the deleting gateway died before its removals.
        fx.node.metadata().deleteVdi("alice", a1).get(10, TimeUnit.SECONDS);
        assertThat(objects()).as("nothing freed yet").containsExactlyInAnyOrder(inodes(a1, a2, data(a1, 0, 1),
                data(a2, 0)));

        fx.service.reclaimHidden();
        Poll.until("a1's object 0 freed", java.time.Duration.ofSeconds(10), whyNot -> {
            List<Long> now = objects();
            whyNot.append(now.stream().map(ObjectId::toString).toList());
            return now.contains(ObjectId.data(a1, 0)) ? java.util.Optional.empty() : java.util.Optional.of(now);
        });
        assertThat(objects()).as("a1 stays hidden with what a2 reads").containsExactlyInAnyOrder(inodes(a1, a2,
                data(a1, 1), data(a2, 0)));
    }

    private List<Long> objects() throws Exception {
        List<Long> oids = new ArrayList<>();
        fx.objects.forEachObject(oids::add);
        return oids;
    }

    private static Long[] inodes(Object... parts) {
        List<Long> all = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Integer vid) {
                all.add(ObjectId.inode(vid));
            } else {
                all.addAll(Arrays.asList((Long[]) p));
            }
        }
        return all.toArray(Long[]::new);
    }

    private static Long[] data(int vid, int... indexes) {
        return Arrays.stream(indexes).mapToObj(i -> ObjectId.data(vid, i)).toArray(Long[]::new);
    }

    @Test
    void vdisAndTheirDataSurviveAReopen() throws Exception {
        fx = new VdiFixture(true);
        VdiInfo a = fx.service.create("persist", 16L << 20, 0);
        write(a.vid(), 12345, "hello sheep".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        VdiInfo before = fx.service.lookup("persist");
        try (VdiFixture again = fx.reopen()) {
            assertThat(again.service.lookup("persist")).isEqualTo(before);
            ByteBuf b = again.service.read(a.vid(), 12345, 11).get(5, TimeUnit.SECONDS);
            try {
                assertThat(b.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello sheep");
            } finally {
                b.release();
            }
        }
    }

    @Test
    void errorsCarryTheirResultCode() throws Exception {
        fx = new VdiFixture(true);
        fx.service.create("dup", 1 << 20, 0);
        assertCode(() -> fx.service.create("dup", 1 << 20, 0), ResultCode.VDI_EXISTS);
        assertCode(() -> fx.service.lookup("nope"), ResultCode.NO_VDI);
        assertCode(() -> fx.service.delete("nope"), ResultCode.NO_VDI);
        assertCode(() -> fx.service.create("", 1 << 20, 0), ResultCode.INVALID_PARAMS);
        assertCode(() -> fx.service.create("a/b", 1 << 20, 0), ResultCode.INVALID_PARAMS);
        assertCode(() -> fx.service.create("x".repeat(257), 1 << 20, 0), ResultCode.INVALID_PARAMS);
        assertCode(() -> fx.service.create("zero", 0, 0), ResultCode.INVALID_PARAMS);
        assertCode(() -> fx.service.create("huge", InodeLayout.MAX_VDI_SIZE + 1, 0), ResultCode.INVALID_PARAMS);
        assertCode(() -> fx.service.create("copies", 1 << 20, 32), ResultCode.INVALID_PARAMS);
        assertThat(fx.service.create("x".repeat(256), 1 << 20, 0).name()).hasSize(256);
    }

    @Test
    void nothingWorksBeforeFormat() throws Exception {
        fx = new VdiFixture(false);
        assertCode(() -> fx.service.create("a", 1 << 20, 0), ResultCode.NOT_FORMATTED);
        assertCode(() -> fx.service.list(), ResultCode.NOT_FORMATTED);
    }

    @Test
    void aDeletedVdiRefusesIoAndANewVdiOfTheSameNameGetsANewIdAndStartsEmpty() throws Exception {
        fx = new VdiFixture(true);
        VdiInfo a = fx.service.create("reuse", 8L << 20, 0);
        write(a.vid(), 0, new byte[] {9, 9, 9});
        fx.service.delete("reuse");
        assertThatThrownBy(() -> fx.service.read(a.vid(), 0, 3).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SheepException.class);
        VdiInfo b = fx.service.create("reuse", 8L << 20, 0);
        // The id of a deleted VDI is retired (as in Sheepdog): the name hashes to it, so the next one is taken.
        assertThat(b.vid()).isEqualTo(a.vid() + 1);
        assertThatThrownBy(() -> fx.service.read(a.vid(), 0, 3).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SheepException.class);
        ByteBuf r = fx.service.read(b.vid(), 0, 3).get(5, TimeUnit.SECONDS);
        try {
            assertThat(r.getByte(0)).isZero();
        } finally {
            r.release();
        }
    }

    private void write(int vid, long offset, byte[] data) throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        fx.service.write(vid, offset, b, false).get(5, TimeUnit.SECONDS);
        b.release();
    }

    private static void assertCode(ThrowingCall call, ResultCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SheepException.class,
                e -> assertThat(e.result()).isEqualTo(code));
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }
}
