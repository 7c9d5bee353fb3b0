package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
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
