package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A chain of 100 snapshots, each level writing one object of its own: the working VDI and every snapshot read
 * their bytes, and a read of the object the oldest level wrote costs one data-object read however deep the chain,
 * since the map names the owner directly (no walk up the chain).
 */
class DeepChainTest {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final int LEVELS = 100;
    private VdiFixture fx;

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void aHundredLevelsReadBackAndEachReadIsOneObjectLookup() throws Exception {
        fx = new VdiFixture(true);
        fx.service.create("deep", (long) LEVELS * OBJ, 0);
        List<Integer> levelVids = new ArrayList<>();
        for (int level = 0; level < LEVELS; level++) {
            Inode w = fx.service.workingInode("deep").get(10, TimeUnit.SECONDS);
            write(fx.service.io(), w, (long) level * OBJ + 512, stamp(level));
            levelVids.add(w.vid());
            VdiInfo snap = fx.service.snapshot("deep", "l" + level);
            assertThat(snap.vid()).isEqualTo(w.vid());
        }

        AtomicInteger dataReads = new AtomicInteger();
        VdiService reader = fx.otherGateway(g -> new CountingReads(g, dataReads));
        Inode top = reader.workingInode("deep").get(10, TimeUnit.SECONDS);
        assertThat(top.dataVid(0)).as("object 0 is owned by the oldest level").isEqualTo(levelVids.get(0));
        dataReads.set(0);
        assertThat(read(reader.io(), top, 512, 8)).isEqualTo(stamp(0));
        assertThat(dataReads).as("data-object reads for one read through a %d-level chain", LEVELS).hasValue(1);

        for (int level = 0; level < LEVELS; level++) {
            assertThat(read(reader.io(), top, (long) level * OBJ + 512, 8)).as("level %d through the top", level)
                    .isEqualTo(stamp(level));
        }
        for (int level : new int[] {0, 1, 49, 98, 99}) {
            Inode snap = reader.inode("deep@l" + level).orElseThrow();
            assertThat(snap.vid()).isEqualTo(levelVids.get(level));
            assertThat(read(reader.io(), snap, (long) level * OBJ + 512, 8)).as("snapshot l%d's own", level)
                    .isEqualTo(stamp(level));
            if (level + 1 < LEVELS) {
                assertThat(read(reader.io(), snap, (long) (level + 1) * OBJ + 512, 8))
                        .as("snapshot l%d before level %d wrote", level, level + 1).isEqualTo(new byte[8]);
            }
        }
        fx.service.clone("deep", SnapshotRef.parse("l99"), "leaf");
        Inode leaf = reader.workingInode("leaf").get(10, TimeUnit.SECONDS);
        assertThat(read(reader.io(), leaf, 512, 8)).isEqualTo(stamp(0));
    }

    private static byte[] stamp(int level) {
        return ByteBuffer.allocate(8).putInt(0x5eed0000 | level).putInt(level).array();
    }

    private static void write(VdiIo io, Inode inode, long offset, byte[] data) throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            io.write(inode, offset, buf, false).get(10, TimeUnit.SECONDS);
        } finally {
            buf.release();
        }
    }

    private static byte[] read(VdiIo io, Inode inode, long offset, int length) throws Exception {
        ByteBuf got = io.read(inode, offset, length).get(10, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[length];
            got.getBytes(0, out);
            return out;
        } finally {
            got.release();
        }
    }

    /** Counts the reads of data objects (not inodes) that pass through it. */
    private record CountingReads(ObjectGateway delegate, AtomicInteger dataReads) implements ObjectGateway {
        @Override
        public CompletableFuture<Void> read(long oid, long offset, ByteBuffer dst) {
            if (ObjectId.isData(oid)) {
                dataReads.incrementAndGet();
            }
            return delegate.read(oid, offset, dst);
        }

        @Override
        public CompletableFuture<Void> write(long oid, long offset, ByteBuffer src, WriteMode mode, boolean fua) {
            return delegate.write(oid, offset, src, mode, fua);
        }

        @Override
        public CompletableFuture<Void> zero(long oid, long offset, long length, boolean discard, boolean fua) {
            return delegate.zero(oid, offset, length, discard, fua);
        }

        @Override
        public CompletableFuture<Void> remove(long oid) {
            return delegate.remove(oid);
        }

        @Override
        public CompletableFuture<BitSet> allocation(long oid) {
            return delegate.allocation(oid);
        }

        @Override
        public CompletableFuture<Void> flush() {
            return delegate.flush();
        }
    }
}
