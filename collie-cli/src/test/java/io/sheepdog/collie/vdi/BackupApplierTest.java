package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.api.VdiOps;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.ForwardingVdiOps;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BackupApplier (vdi restore): records applied with several in flight, zero records discarded (the range reads
 * zeroes, an object covered whole is unmapped), adjacent records merged, failures reported after every request in
 * flight is done.
 */
@ExtendWith(NettyLeakCheck.class)
class BackupApplierTest {
    private static final int MIB = 1 << 20;
    private static final int OBJECT = VdiTransfer.OBJECT_SIZE;
    private final FakeSheep sheep = new FakeSheep();
    private final long seed = System.nanoTime();
    private final SlowVdiOps slow = new SlowVdiOps(sheep, seed);
    private int vid;

    @BeforeEach
    void fill() throws Exception {
        sheep.format(1, false, false);
        vid = sheep.create("r", 16L * MIB, 0).vid();
        ByteBuf ones = Unpooled.wrappedBuffer(filled(16 * MIB, 0x11));
        sheep.write(vid, 0, ones, false).get();
        ones.release();
    }

    @AfterEach
    void stop() {
        slow.close();
    }

    @Test
    void zeroRecordsAreDiscardedAndRecordsGoSeveralAtATime() throws Exception {
        byte[] stream = stream(w -> {
            w.data(4096, filled(4096, 0x22), 0, 4096);
            w.data(8192, filled(4096, 0x33), 0, 4096);          // adjacent: one write with the one before
            w.zeroes(MIB, 64 * 1024);
            w.zeroes(OBJECT, OBJECT);                            // object 1, whole
            for (int i = 0; i < 32; i++) {                       // object 2, every other 64 KiB
                w.data(2L * OBJECT + i * 128 * 1024, filled(4096, i + 1), 0, 4096);
            }
            w.zeroes(3L * OBJECT, OBJECT / 2);
            w.zeroes(3L * OBJECT + OBJECT / 2, OBJECT / 2);     // object 3, whole in two records
        });
        BackupApplier.Totals t = new BackupApplier(slow, 16).apply(vid, reader(stream), (d, total) -> { });

        assertThat(t.records()).isEqualTo(38);
        assertThat(t.zeroBytes()).isEqualTo(64 * 1024 + 2L * OBJECT);
        assertThat(sheep.contents("r", 0, 3 * 4096)).isEqualTo(concat(filled(4096, 0x11), filled(4096, 0x22),
                filled(4096, 0x33)));
        assertThat(sheep.contents("r", MIB - 1, 64 * 1024 + 2)).startsWith(0x11).endsWith(0x11)
                .containsSequence(new byte[64 * 1024]);
        assertThat(sheep.contents("r", OBJECT, OBJECT)).isEqualTo(new byte[OBJECT]);
        assertThat(sheep.contents("r", 2L * OBJECT + 31 * 128 * 1024, 4097)).startsWith(32).endsWith(0x11);
        assertThat(sheep.contents("r", 3L * OBJECT, OBJECT)).isEqualTo(new byte[OBJECT]);
        assertThat(sheep.objectMap(vid)).as("objects 1 and 3 were discarded whole: unmapped")
                .containsExactly(vid, 0, vid, 0);
        assertThat(slow.requests()).as("one write for the two adjacent records, one zero for object 3")
                .extracting(r -> r[0] + "+" + r[1]).contains("4096+8192", (3L * OBJECT) + "+" + OBJECT)
                .hasSize(36);
        assertThat(slow.maxInFlight()).as("seed %d: several in flight, never more than the window", seed)
                .isBetween(2, 16);
    }

    @Test
    void aSheepWithoutTheZeroOperationGetsTheZeroesWritten() throws Exception {
        VdiOps old = new ForwardingVdiOps(sheep) {
            @Override
            public CompletableFuture<Void> zero(int v, long offset, long length, boolean discard, boolean fua) {
                return CompletableFuture.failedFuture(new SheepException(ResultCode.NOT_SUPPORTED, "no VDI_ZERO"));
            }
        };
        byte[] stream = stream(w -> {
            w.zeroes(0, OBJECT);
            w.zeroes(2L * OBJECT + 5, 10);
        });
        new BackupApplier(old, 4).apply(vid, reader(stream), (d, total) -> { });
        assertThat(sheep.contents("r", 0, OBJECT)).isEqualTo(new byte[OBJECT]);
        assertThat(sheep.contents("r", 2L * OBJECT + 4, 12)).containsExactly(0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0x11);
        assertThat(sheep.objectMap(vid)).as("written zeroes stay allocated").containsExactly(vid, vid, vid, vid);
    }

    @Test
    void aDamagedStreamFailsAfterWhatCameBeforeItIsApplied() throws Exception {
        byte[] stream = stream(w -> {
            for (int i = 0; i < 20; i++) {
                w.data((long) i * 8192, filled(4096, 0x44), 0, 4096);
            }
            w.zeroes(0, 4096);
        });
        assertThatThrownBy(() -> new BackupApplier(slow, 8).apply(vid, reader(stream), (d, total) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("record 21 (0+4096) starts before");
        assertThat(slow.inFlight()).as("nothing left in flight").isZero();
        assertThat(sheep.contents("r", 19 * 8192, 8192)).isEqualTo(concat(filled(4096, 0x44), filled(4096, 0x11)));
    }

    @Test
    void aFailedWriteFailsTheRestoreOnceNothingIsInFlight() throws Exception {
        VdiOps failing = new ForwardingVdiOps(slow) {
            @Override
            public CompletableFuture<Void> write(int v, long offset, ByteBuf data, boolean fua) {
                if (offset >= 2L * OBJECT) {
                    return CompletableFuture.failedFuture(new SheepException(ResultCode.NETWORK_ERROR,
                            "connection to 127.0.0.1:7000 lost"));
                }
                return super.write(v, offset, data, fua);
            }
        };
        byte[] stream = stream(w -> {
            for (int i = 0; i < 16; i++) {
                w.data((long) i * MIB, filled(4096, 0x55), 0, 4096);
            }
        });
        assertThatThrownBy(() -> new BackupApplier(failing, 8).apply(vid, reader(stream), (d, total) -> { }))
                .isInstanceOfSatisfying(SheepException.class, e -> assertThat(e.result())
                        .isEqualTo(ResultCode.NETWORK_ERROR)).hasMessage("connection to 127.0.0.1:7000 lost");
        assertThat(slow.inFlight()).isZero();
    }

    private static BackupStream.Reader reader(byte[] stream) throws IOException {
        return new BackupStream.Reader(new ByteArrayInputStream(stream));
    }

    private static byte[] stream(Records records) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackupStream.Writer w = new BackupStream.Writer(bytes, 16L * MIB);
        records.write(w);
        w.end();
        return bytes.toByteArray();
    }

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Records {
        void write(BackupStream.Writer w) throws IOException;
    }
}
