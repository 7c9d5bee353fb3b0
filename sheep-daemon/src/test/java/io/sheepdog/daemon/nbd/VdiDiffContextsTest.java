package io.sheepdog.daemon.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.vdi.VdiFixture;
import io.sheepdog.daemon.vdi.VdiService;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.nbd.Extent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sheepdog:diff:REF} over a real VDI service (in-memory store, one-node metadata): the extents of the pure
 * map comparison, the listing, and block status of snapshots and of a working VDI written through another gateway.
 */
class VdiDiffContextsTest {
    private static final long MB = 1 << 20;
    private static final long OBJECT = 4 * MB;
    private static final long SIZE = 16 * OBJECT;

    private VdiFixture fx;
    private VdiDiffContexts diffs;

    @BeforeEach
    void setUp() throws Exception {
        fx = new VdiFixture(1);
        diffs = new VdiDiffContexts(fx.service);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void extentsMarkEveryIndexWhoseOwnerDiffersAndMergeRuns() {
        int[] mine = {7, 0, 9, 9, 0, 3};
        int[] theirs = {7, 0, 7, 0, 5, 3};
        assertThat(VdiDiffContexts.extents(mine, theirs, 0)).containsExactly(new Extent(2 * OBJECT, 0),
                new Extent(3 * OBJECT, 1), new Extent(OBJECT, 0));
        // an unaligned start: the first extent runs to its object's end, the rest are whole objects
        assertThat(VdiDiffContexts.extents(new int[] {1, 2}, new int[] {1, 1}, OBJECT + 4096))
                .containsExactly(new Extent(OBJECT - 4096, 0), new Extent(OBJECT, 1));
        assertThat(VdiDiffContexts.extents(new int[] {0}, new int[] {0}, 0)).containsExactly(new Extent(OBJECT, 0));
        assertThatThrownBy(() -> VdiDiffContexts.extents(new int[1], new int[2], 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listNamesTheParentContextAndOneContextPerSnapshot() throws Exception {
        fx.service.create("alice", SIZE, 0);
        fx.service.snapshot("alice", "a");
        fx.service.snapshot("alice", "");
        fx.service.snapshot("alice", "c");
        List<String> all = List.of("sheepdog:diff:", "sheepdog:diff:a", "sheepdog:diff:2", "sheepdog:diff:c");
        assertThat(diffs.list("alice", "sheepdog:")).isEqualTo(all);
        assertThat(diffs.list("alice@c", "")).isEqualTo(all);
        assertThat(diffs.list("alice@2", "sheepdog:diff:a")).containsExactly("sheepdog:diff:a");
        assertThat(diffs.list("alice", "sheepdog:diff:1")).as("a tagged snapshot by number")
                .containsExactly("sheepdog:diff:1");
        assertThat(diffs.list("alice", "sheepdog:diff:")).containsExactly("sheepdog:diff:");
        assertThat(diffs.list("alice", "sheepdog:diff:zz")).isEmpty();
        assertThat(diffs.list("alice", "sheepdog:diff:9")).isEmpty();
        assertThat(diffs.list("alice", "sheepdog:other")).isEmpty();
        assertThat(diffs.list("alice", "qemu:dirty-bitmap:a")).isEmpty();
        assertThat(diffs.list("nobody", "sheepdog:")).isEmpty();
    }

    @Test
    void snapshotsDifferWhereTheirMapsNameOtherOwnersWhateverGatewayWrote() throws Exception {
        int vid = fx.service.create("alice", SIZE, 0).vid();
        write(fx.service, vid, 0);
        write(fx.service, vid, 2);
        fx.service.snapshot("alice", "a");
        VdiService other = fx.otherGateway();
        int second = fx.service.lookup("alice").vid();
        write(other, second, 2);
        write(other, second, 5);
        fx.service.snapshot("alice", "b");

        assertThat(changed("alice@b", "sheepdog:diff:a")).containsExactly(2, 5);
        assertThat(changed("alice@b", "sheepdog:diff:")).as("against its parent, a").containsExactly(2, 5);
        assertThat(changed("alice@2", "sheepdog:diff:1")).containsExactly(2, 5);
        assertThat(changed("alice@a", "sheepdog:diff:b")).as("the same the other way round").containsExactly(2, 5);
        assertThat(changed("alice@a", "sheepdog:diff:")).as("no parent: everything allocated").containsExactly(0, 2);
        assertThat(changed("alice@b", "sheepdog:diff:b")).isEmpty();

        // the working VDI, written through the other gateway after its inode was loaded here
        int working = fx.service.lookup("alice").vid();
        assertThat(changed("alice", "sheepdog:diff:")).isEmpty();
        write(other, working, 7);
        assertThat(changed("alice", "sheepdog:diff:")).containsExactly(7);
        assertThat(changed("alice", "sheepdog:diff:a")).containsExactly(2, 5, 7);
    }

    @Test
    void aPartialRangeCoversItsObjectsAndASnapshotThatWentAwayIsInvalid() throws Exception {
        int vid = fx.service.create("alice", SIZE, 0).vid();
        write(fx.service, vid, 1);
        fx.service.snapshot("alice", "a");
        VdiEntry a = fx.service.exportEntry("alice@a").orElseThrow();
        assertThat(status(a, "sheepdog:diff:", OBJECT + 4096, 100)).containsExactly(new Extent(OBJECT - 4096, 1));
        assertThat(status(a, "sheepdog:diff:", 0, OBJECT + 1)).containsExactly(new Extent(OBJECT, 0),
                new Extent(OBJECT, 1));

        VdiEntry working = fx.service.exportEntry("alice").orElseThrow();
        fx.service.deleteSnapshot("alice", SnapshotRef.parse("a"));
        assertThatThrownBy(() -> status(working, "sheepdog:diff:a", 0, OBJECT))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("has no snapshot a any more");
    }

    /** The object indexes {@code context} reports changed on {@code export}, over the whole VDI. */
    private List<Integer> changed(String export, String context) throws Exception {
        VdiEntry entry = fx.service.exportEntry(export).orElseThrow();
        List<Integer> changed = new ArrayList<>();
        long pos = 0;
        for (Extent e : status(entry, context, 0, SIZE)) {
            assertThat(e.length() % OBJECT).as("whole objects").isZero();
            for (long p = pos; p < pos + e.length(); p += OBJECT) {
                if (e.flags() == VdiDiffContexts.STATE_CHANGED) {
                    changed.add((int) (p / OBJECT));
                }
            }
            pos += e.length();
        }
        assertThat(pos).isEqualTo(SIZE);
        return changed;
    }

    private List<Extent> status(VdiEntry entry, String context, long offset, long length) throws Exception {
        return diffs.blockStatus(entry, context, offset, length).get(5, TimeUnit.SECONDS);
    }

    /** Writes 4 KiB in the middle of object {@code index}. */
    private static void write(VdiService service, int vid, int index) throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(new byte[4096]).setByte(0, index + 1);
        try {
            service.write(vid, index * OBJECT + MB, b, false).get(5, TimeUnit.SECONDS);
        } finally {
            b.release();
        }
    }
}
