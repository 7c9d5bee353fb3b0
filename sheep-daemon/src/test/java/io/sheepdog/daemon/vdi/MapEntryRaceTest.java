package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ObjectCheck;
import io.sheepdog.daemon.gateway.ObjectGateway;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read relearning a map entry outside the object's turn races a first write and a whole-object discard of that
 * object (found by {@code NbdTransmissionFuzzIT}, seed -7951239001341778879): the read snapshots entry 1 as 0 and
 * reads the inode object after the write persisted its entry; the discard then sets the entry to 0 in memory and
 * queues its persist behind another entry's (the inode object's writes go one at a time); the read's learn sees
 * memory still 0 (the value it expected) and puts the write's entry back. The discard's persist must write the 0 it
 * set, not what memory holds when it runs, or the inode maps an object the discard removes next, and every later
 * read of it fails EIO ("object ... is lost").
 */
class MapEntryRaceTest {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private VdiFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new VdiFixture(true);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void aDiscardRacingARelearningReadLeavesTheObjectUnmapped() throws Exception {
        fx.service.create("race", 2L * OBJ, 0);
        int vid = fx.service.lookup("race").vid();
        Holding[] g = new Holding[1];
        VdiService s = fx.otherGateway(delegate -> g[0] = new Holding(delegate, ObjectId.inode(vid)));
        Inode inode = s.workingInode("race").get(10, TimeUnit.SECONDS);

        // The read finds entry 1 unallocated and relearns it; its inode read is held back.
        CompletableFuture<ByteBuf> read = s.io().read(inode, OBJ, 4096);
        g[0].readReached.get(10, TimeUnit.SECONDS);
        ByteBuf data = Unpooled.wrappedBuffer(new byte[4096]);
        s.io().write(inode, OBJ, data, false).get(10, TimeUnit.SECONDS);
        data.release();
        // A first write of object 0 holds the inode object's writes at its entry's persist...
        ByteBuf other = Unpooled.wrappedBuffer(new byte[4096]);
        CompletableFuture<Void> otherWrite = s.io().write(inode, 0, other, false);
        g[0].entryWriteReached.get(10, TimeUnit.SECONDS);
        // ...so the discard's persist of entry 1 waits behind it, with memory at 0 already.
        CompletableFuture<Void> discard = s.io().zero(inode, OBJ, OBJ, true, false);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inode.dataVid(1) != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(inode.dataVid(1)).as("the discard cleared entry 1 in memory").isZero();
        g[0].releaseRead.complete(null);
        read.get(10, TimeUnit.SECONDS).release();
        g[0].releaseEntryWrite.complete(null);
        otherWrite.get(10, TimeUnit.SECONDS);
        other.release();
        discard.get(10, TimeUnit.SECONDS);

        ByteBuf after = fx.service.io().read(fx.service.workingInode("race").get(10, TimeUnit.SECONDS), OBJ, OBJ)
                .get(10, TimeUnit.SECONDS);
        try {
            assertThat(after.readableBytes()).isEqualTo(OBJ);
        } finally {
            after.release();
        }
        ByteBuffer entry = ByteBuffer.allocate(InodeLayout.MAP_ENTRY_SIZE);
        g[0].read(ObjectId.inode(vid), InodeLayout.mapEntryOffset(1), entry).get(10, TimeUnit.SECONDS);
        assertThat(entry.getInt(0)).as("the persisted entry of the discarded object").isZero();
    }

    /**
     * Holds back the first read of inode map entry 1 until {@link #releaseRead}, and the first write of entry 0 until
     * {@link #releaseEntryWrite}.
     */
    private static final class Holding implements ObjectGateway {
        final CompletableFuture<Void> readReached = new CompletableFuture<>();
        final CompletableFuture<Void> releaseRead = new CompletableFuture<>();
        final CompletableFuture<Void> entryWriteReached = new CompletableFuture<>();
        final CompletableFuture<Void> releaseEntryWrite = new CompletableFuture<>();
        private final ObjectGateway delegate;
        private final long inodeOid;
        private final AtomicInteger entryReads = new AtomicInteger();
        private final AtomicInteger entryWrites = new AtomicInteger();

        Holding(ObjectGateway delegate, long inodeOid) {
            this.delegate = delegate;
            this.inodeOid = inodeOid;
        }

        @Override
        public CompletableFuture<Void> read(long id, long offset, ByteBuffer dst) {
            if (id == inodeOid && offset == InodeLayout.mapEntryOffset(1)
                    && dst.remaining() == InodeLayout.MAP_ENTRY_SIZE && entryReads.getAndIncrement() == 0) {
                readReached.complete(null);
                return releaseRead.thenCompose(v -> delegate.read(id, offset, dst));
            }
            return delegate.read(id, offset, dst);
        }

        @Override
        public CompletableFuture<Void> write(long id, long offset, ByteBuffer src, WriteMode m, boolean fua) {
            if (id == inodeOid && offset == InodeLayout.mapEntryOffset(0) && entryWrites.getAndIncrement() == 0) {
                entryWriteReached.complete(null);
                return releaseEntryWrite.thenCompose(v -> delegate.write(id, offset, src, m, fua));
            }
            return delegate.write(id, offset, src, m, fua);
        }

        @Override
        public CompletableFuture<Void> zero(long id, long offset, long length, boolean discard, boolean fua) {
            return delegate.zero(id, offset, length, discard, fua);
        }

        @Override
        public CompletableFuture<Void> remove(long id) {
            return delegate.remove(id);
        }

        @Override
        public CompletableFuture<BitSet> allocation(long id) {
            return delegate.allocation(id);
        }

        @Override
        public CompletableFuture<Void> flush() {
            return delegate.flush();
        }

        @Override
        public CompletableFuture<ObjectCheck> check(long id) {
            return delegate.check(id);
        }
    }
}
