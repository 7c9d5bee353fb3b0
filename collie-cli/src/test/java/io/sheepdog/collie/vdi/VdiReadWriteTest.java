package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.collie.CollieHarness;
import io.sheepdog.collie.CollieHarness.Result;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** collie vdi write / read: random data round trips at odd offsets, defaults, and writes past the end refused. */
@ExtendWith(NettyLeakCheck.class)
class VdiReadWriteTest {

    private static final int MIB = 1 << 20;
    private final CollieHarness h = new CollieHarness();
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);

    @BeforeEach
    void setUp() {
        System.out.println(getClass().getSimpleName() + " seed=" + seed);
        assertThat(h.run("cluster", "format", "--copies", "1").exitCode()).isZero();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Result write(byte[] data, String... args) {
        return h.runWithStdin(new ByteArrayInputStream(data), args);
    }

    @Test
    void roundTripsSeveralMebibytesAtOddOffsets() throws Exception {
        assertThat(h.run("vdi", "create", "rt", "64M").exitCode()).isZero();
        long[][] extents = {{1, 4097}, {4L * MIB - 3001, 3 * MIB + 17}, {12_345_678, 9 * MIB + 5}, {64L * MIB - 777, 777}};
        byte[][] written = new byte[extents.length][];
        for (int i = 0; i < extents.length; i++) {
            written[i] = random((int) extents[i][1]);
            Result w = write(written[i], "vdi", "write", "rt", Long.toString(extents[i][0]),
                    Long.toString(extents[i][1]));
            assertThat(w.exitCode()).as("seed %d: %s", seed, w).isZero();
            assertThat(w.stdout()).isEmpty();
        }
        for (int i = 0; i < extents.length; i++) {
            Result r = h.run("vdi", "read", "rt", Long.toString(extents[i][0]), Long.toString(extents[i][1]));
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdoutBytes()).as("extent %d, seed %d", i, seed).isEqualTo(written[i]);
            assertThat(h.sheep.contents("rt", extents[i][0], (int) extents[i][1])).isEqualTo(written[i]);
        }
        // Never written: zeros.
        assertThat(h.run("vdi", "read", "rt", "32M", "64K").stdoutBytes()).isEqualTo(new byte[64 * 1024]);
        assertThat(h.sheep.flushes()).isEqualTo(extents.length);
    }

    @Test
    void bulkTransferRoundTripsIntact() throws Exception {
        // Guards the whole path (chunking, pipelining, payload slices freed on other threads) at a size where a
        // buffer reused too early shows: 16 chunks of 4 MiB in flight 8 at a time, each way, twice.
        h.run("vdi", "create", "bulk", "64M");
        for (int round = 0; round < 2; round++) {
            byte[] data = random(64 * MIB);
            assertThat(write(data, "vdi", "write", "bulk").exitCode()).isZero();
            Result r = h.run("vdi", "read", "bulk");
            assertThat(r.exitCode()).isZero();
            assertThat(Arrays.equals(r.stdoutBytes(), data)).as("round %d, seed %d", round, seed).isTrue();
        }
    }

    @Test
    void defaultsAreTheWholeVdiAndAllOfStdin() throws Exception {
        h.run("vdi", "create", "whole", "10M");
        byte[] data = random(10 * MIB);
        assertThat(write(data, "vdi", "write", "whole").exitCode()).isZero();
        Result all = h.run("vdi", "read", "whole");
        assertThat(all.exitCode()).isZero();
        assertThat(all.stdoutBytes()).as("seed %d", seed).isEqualTo(data);
        // OFFSET alone: to the end; suffixes work for offsets too.
        assertThat(h.run("vdi", "read", "whole", "9M").stdoutBytes())
                .isEqualTo(Arrays.copyOfRange(data, 9 * MIB, 10 * MIB));
        byte[] tail = random(1000);
        assertThat(write(tail, "vdi", "write", "whole", "2M").exitCode()).isZero();
        assertThat(h.sheep.contents("whole", 2 * MIB, 1000)).isEqualTo(tail);
        assertThat(h.sheep.contents("whole", 2 * MIB + 1000, 10)).isEqualTo(Arrays.copyOfRange(data,
                2 * MIB + 1000, 2 * MIB + 1010));
    }

    @Test
    void writesPastTheEndAreRefused() throws Exception {
        h.run("vdi", "create", "small", "8K");
        Result beyond = write(random(10), "vdi", "write", "small", "9000");
        assertThat(beyond.exitCode()).isEqualTo(1);
        assertThat(beyond.stderr()).isEqualTo("collie: write offset 9000 is beyond the end of VDI small (8192 bytes)\n");

        Result tooLong = write(random(200), "vdi", "write", "small", "8100", "200");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.stderr()).isEqualTo("collie: cannot write 200 bytes at offset 8100: VDI small ends at 8192\n");
        assertThat(h.sheep.contents("small", 8100, 92)).isEqualTo(new byte[92]);

        byte[] input = random(100);
        Result overflow = write(input, "vdi", "write", "small", "8150");
        assertThat(overflow.exitCode()).isEqualTo(1);
        assertThat(overflow.stderr()).isEqualTo("collie: stdin is longer than the 42 bytes from offset 8150 to the end"
                + " of VDI small; the first 42 bytes were written\n");
        assertThat(h.sheep.contents("small", 8150, 42)).isEqualTo(Arrays.copyOf(input, 42));

        byte[] exact = random(42);
        assertThat(write(exact, "vdi", "write", "small", "8150").exitCode()).isZero();
        assertThat(h.sheep.contents("small", 8150, 42)).isEqualTo(exact);
    }

    @Test
    void shortStdinWithExplicitLengthIsReported() throws Exception {
        h.run("vdi", "create", "v", "1M");
        byte[] input = random(300);
        Result r = write(input, "vdi", "write", "v", "0", "1000");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).isEqualTo("collie: stdin ended after 300 of 1000 bytes (written at offset 0)\n");
        assertThat(h.sheep.contents("v", 0, 300)).isEqualTo(input);
    }

    @Test
    void readsPastTheEndAreRefused() {
        h.run("vdi", "create", "r", "4K");
        Result beyond = h.run("vdi", "read", "r", "5000");
        assertThat(beyond.exitCode()).isEqualTo(1);
        assertThat(beyond.stdoutBytes()).isEmpty();
        assertThat(beyond.stderr()).isEqualTo("collie: read offset 5000 is beyond the end of VDI r (4096 bytes)\n");
        Result tooLong = h.run("vdi", "read", "r", "4000", "97");
        assertThat(tooLong.exitCode()).isEqualTo(1);
        assertThat(tooLong.stderr()).isEqualTo("collie: cannot read 97 bytes at offset 4000: VDI r ends at 4096\n");
        assertThat(h.run("vdi", "read", "r", "4096").stdoutBytes()).isEmpty();
    }

    @Test
    void missingVdiExits5() {
        Result r = h.run("vdi", "read", "ghost", "0", "512");
        assertThat(r.exitCode()).isEqualTo(5);
        assertThat(r.stderr()).isEqualTo("collie: VDI ghost does not exist\n");
        assertThat(write(random(5), "vdi", "write", "ghost").exitCode()).isEqualTo(5);
    }
}
