package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.ForwardingVdiOps;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The chunking and pipelining of VdiTransfer, against FakeSheep with answers delayed and reordered. */
@ExtendWith(NettyLeakCheck.class)
class VdiTransferTest {

    private static final int MIB = 1 << 20;
    private final FakeSheep sheep = new FakeSheep();
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final SlowVdiOps slow = new SlowVdiOps(sheep, seed);

    @AfterEach
    void stop() {
        slow.close();
    }

    @Test
    void chunksEndAtObjectBoundaries() {
        assertThat(VdiTransfer.chunkLength(0, 100)).isEqualTo(100);
        assertThat(VdiTransfer.chunkLength(0, 10L * MIB)).isEqualTo(4 * MIB);
        assertThat(VdiTransfer.chunkLength(4L * MIB - 1, 10L * MIB)).isEqualTo(1);
        assertThat(VdiTransfer.chunkLength(4L * MIB + 5, 10L * MIB)).isEqualTo(4 * MIB - 5);
        assertThat(VdiTransfer.chunkLength(8L * MIB, 8L * MIB + 3)).isEqualTo(3);
    }

    @Test
    void readPipelinesInOrderWithABoundedWindow() throws Exception {
        sheep.format(1, false, false);
        int vid = sheep.create("v", 40L * MIB, 0).vid();
        byte[] data = new byte[40 * MIB];
        random.nextBytes(data);
        ByteBuf in = Unpooled.wrappedBuffer(data);
        sheep.write(vid, 0, in, false).get();
        in.release();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 3 * MIB + 11;
        long length = 30L * MIB + 7;
        new VdiTransfer(slow, 4).read(vid, offset, length, out);
        assertThat(out.toByteArray()).as("seed %d", seed)
                .isEqualTo(java.util.Arrays.copyOfRange(data, (int) offset, (int) (offset + length)));
        assertThat(slow.maxInFlight()).as("never more than the window").isBetween(2, 4);
        // Every request stays inside one object.
        assertThat(slow.requests()).allSatisfy(r -> assertThat(r[0] / (4 * MIB)).isEqualTo((r[0] + r[1] - 1) / (4 * MIB)));
    }

    @Test
    void writePipelinesAndStopsAtTheLimit() throws Exception {
        sheep.format(1, false, false);
        int vid = sheep.create("w", 64L * MIB, 0).vid();
        byte[] data = new byte[20 * MIB + 3];
        random.nextBytes(data);
        long written = new VdiTransfer(slow, 8).write(vid, 5, 20L * MIB, new ByteArrayInputStream(data));
        assertThat(written).isEqualTo(20L * MIB);
        assertThat(sheep.contents("w", 5, 20 * MIB)).as("seed %d", seed)
                .isEqualTo(java.util.Arrays.copyOf(data, 20 * MIB));
        assertThat(slow.maxInFlight()).isBetween(2, 8);
    }

    @Test
    void importStoresNoZeroBlockAndExportReadsNoUnallocatedObjectAndLeavesZeroBlocksHoles(@TempDir Path dir)
            throws Exception {
        sheep.format(1, false, false);
        Path image = dir.resolve("in.raw");
        long size = 20L * MIB + 100;
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.seek(4096);
            f.write(bytes(8192));                // object 0: two blocks
            f.seek(9L * MIB);
            f.write(bytes(MIB));                 // object 2: 256 blocks
            f.seek(13L * MIB + 5);
            f.write(new byte[] {1});             // object 3: one block; 1 and 4 are zeroes
            f.setLength(size);
        }
        int vid = sheep.create("img", size, 0).vid();
        long imported;
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ)) {
            imported = new VdiTransfer(slow, 8).importFile(vid, in, size, (d, t) -> { });
        }
        assertThat(imported).as("only the blocks that are not zeroes").isEqualTo(8192 + MIB + 4096);
        assertThat(slow.requests()).as("a write for each run of such blocks").hasSize(3);
        assertThat(sheep.objectMap(vid)).containsExactly(vid, 0, vid, vid, 0, 0);
        assertThat(sheep.contents("img", 0, (int) size)).isEqualTo(Files.readAllBytes(image));

        Path out = dir.resolve("out.raw");
        long exported;
        try (FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            exported = new VdiTransfer(slow, 8).exportFile(vid, size, o, (d, t) -> { });
        }
        assertThat(exported).isEqualTo(8192 + MIB + 4096);
        assertThat(slow.requests()).as("three more: the allocated objects").hasSize(6);
        assertThat(Files.mismatch(image, out)).as("byte for byte").isEqualTo(-1L);
        assertThat(VdiImportExportTest.allocatedBytes(out)).as("zero blocks of allocated objects are holes too")
                .isLessThan(3L * MIB);

        Path all = dir.resolve("all.raw");
        try (FileChannel o = FileChannel.open(all, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new VdiTransfer(new ForwardingVdiOps(sheep), 8).exportFile(vid, size, o, (d, t) -> { });
        }
        assertThat(Files.mismatch(image, all)).as("without object maps every object is read").isEqualTo(-1L);
    }

    @Test
    void dataRunsAreTheRunsOfBlocksThatAreNotZeroes() {
        byte[] b = new byte[5 * 4096 + 10];
        b[4096] = 1;
        b[3 * 4096 + 4095] = 2;
        b[4 * 4096] = 3;
        b[5 * 4096 + 9] = 4;
        assertThat(VdiTransfer.dataRuns(java.nio.ByteBuffer.wrap(b))).containsExactly(new int[] {4096, 4096},
                new int[] {3 * 4096, 2 * 4096 + 10});
        assertThat(VdiTransfer.dataRuns(java.nio.ByteBuffer.wrap(new byte[3 * 4096]))).isEmpty();
        assertThat(VdiTransfer.allZero(java.nio.ByteBuffer.wrap(b, 0, 4096))).isTrue();
        assertThat(VdiTransfer.allZero(java.nio.ByteBuffer.wrap(b, 0, 4097))).isFalse();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    void aFailedReadReleasesEverythingStillInFlight() throws Exception {
        sheep.format(1, false, false);
        int vid = sheep.create("f", 40L * MIB, 0).vid();
        ForwardingVdiOps failing = new ForwardingVdiOps(slow) {
            @Override
            public CompletableFuture<ByteBuf> read(int v, long offset, int length) {
                if (offset >= 8L * MIB && offset < 12L * MIB) {
                    return CompletableFuture.failedFuture(new SheepException(ResultCode.EIO, "bad sector"));
                }
                return super.read(v, offset, length);
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> new VdiTransfer(failing, 8).read(vid, 0, 40L * MIB, out))
                .isInstanceOfSatisfying(SheepException.class, e -> assertThat(e.getMessage()).isEqualTo("bad sector"));
        assertThat(out.size()).isEqualTo(8 * MIB);
    }
}
