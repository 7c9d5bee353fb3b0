package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.nbd.Extent;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * VDI range I/O against a byte-array oracle, through one gateway and through two gateways of the same replicas
 * (each with its own copy of the object map, as multipath and migrating clients see the cluster).
 */
class VdiIoTest {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final long SIZE = 5L * OBJ - 1000; // a short last object on purpose
    private VdiFixture fx;
    private Inode inode;
    private VdiIo io;
    private View main;
    private View other;
    private byte[] oracle;
    private int writes;

    @BeforeEach
    void setUp() throws Exception {
        fx = new VdiFixture(true);
        VdiInfo info = fx.service.create("io", SIZE, 0);
        inode = fx.service.inode("io").orElseThrow();
        assertThat(inode.vid()).isEqualTo(info.vid());
        io = fx.service.io();
        main = new View(inode, io);
        VdiService second = fx.otherGateway();
        other = new View(second.inode("io").orElseThrow(), second.io());
        oracle = new byte[(int) SIZE];
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @RepeatedTest(5)
    void randomOperationsMatchTheOracle() throws Exception {
        randomOperations(false);
    }

    /**
     * Every operation through one of two gateways at random: a gateway must serve what the other did, whole-object
     * discards and write-zeroes included (an object one dropped must read as zeroes and take writes through the
     * other, which still maps it).
     */
    @RepeatedTest(5)
    void randomOperationsThroughTwoGatewaysMatchTheOracle() throws Exception {
        randomOperations(true);
    }

    private void randomOperations(boolean twoGateways) throws Exception {
        long seed = System.nanoTime();
        System.out.println("VdiIoTest seed " + seed + (twoGateways ? " (two gateways)" : ""));
        Random rnd = new Random(seed);
        for (int step = 0; step < 200; step++) {
            View via = twoGateways && rnd.nextBoolean() ? other : main;
            long off = rnd.nextInt((int) SIZE);
            if (rnd.nextInt(4) == 0) {
                off -= off % OBJ; // whole objects often: that is where gateways' maps part
            }
            int len = 1 + rnd.nextInt((int) Math.min(SIZE - off, rnd.nextBoolean() ? 9000 : 2L * OBJ));
            if (rnd.nextInt(4) == 0) {
                len = (int) Math.min(SIZE - off, OBJ);
            }
            switch (rnd.nextInt(5)) {
                case 0, 1 -> {
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    write(via, off, data);
                }
                case 2 -> zero(via, off, len, rnd.nextBoolean());
                case 3 -> assertThat(read(via, off, len)).as("seed %d step %d read %d+%d", seed, step, off, len)
                        .isEqualTo(Arrays.copyOfRange(oracle, (int) off, (int) off + len));
                default -> checkBlockStatus(via, off, len, seed);
            }
        }
        assertThat(read(main, 0, (int) SIZE)).as("seed %d: the whole VDI through the first gateway", seed)
                .isEqualTo(oracle);
        assertThat(read(other, 0, (int) SIZE)).as("seed %d: the whole VDI through the second gateway", seed)
                .isEqualTo(oracle);
    }

    @Test
    void concurrentFirstWritesToOneObjectAllLand() throws Exception {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        List<ByteBuf> bufs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) (i + 1));
            System.arraycopy(data, 0, oracle, i * 8192, 4096);
            ByteBuf b = Unpooled.wrappedBuffer(data);
            bufs.add(b);
            writes.add(io.write(inode, i * 8192L, b, false));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        bufs.forEach(ByteBuf::release);
        assertThat(read(0, OBJ)).isEqualTo(Arrays.copyOf(oracle, OBJ));
    }

    @Test
    void discardOfAWholeObjectUnmapsIt() throws Exception {
        write(OBJ, new byte[] {1});
        assertThat(inode.dataVid(1)).isEqualTo(inode.vid());
        zero(OBJ, OBJ, true);
        assertThat(inode.dataVid(1)).isZero();
        assertThat(fx.objects.stat(ObjectId.data(inode.vid(), 1))).isEmpty();
        List<Extent> ext = io.blockStatus(inode, 0, SIZE).get(5, TimeUnit.SECONDS);
        assertThat(ext).containsExactly(new Extent(SIZE, true, true));
    }

    @Test
    void outOfRangeIsRefused() {
        assertThat(io.read(inode, SIZE - 1, 2)).isCompletedExceptionally();
        ByteBuf b = Unpooled.wrappedBuffer(new byte[2]);
        assertThat(io.write(inode, SIZE - 1, b, false)).isCompletedExceptionally();
        b.release();
        assertThat(io.zero(inode, -1, 1, true, false)).isCompletedExceptionally();
    }

    private void checkBlockStatus(View via, long off, long len, long seed) throws Exception {
        List<Extent> extents = via.io().blockStatus(via.inode(), off, len).get(5, TimeUnit.SECONDS);
        assertThat(extents).isNotEmpty();
        long p = off;
        for (Extent e : extents) {
            if (e.zero()) {
                long end = Math.min(off + len, p + e.length());
                for (long i = p; i < end; i++) {
                    assertThat(oracle[(int) i]).as("seed %d: byte %d inside a zero extent", seed, i).isZero();
                }
            }
            p += e.length();
        }
        assertThat(p).isGreaterThan(off);
    }

    private void write(long off, byte[] data) throws Exception {
        write(main, off, data);
    }

    private void write(View via, long off, byte[] data) throws Exception {
        ByteBuf b = payload(data, writes++);
        try {
            via.io().write(via.inode(), off, b, false).get(10, TimeUnit.SECONDS);
        } finally {
            b.release();
        }
        System.arraycopy(data, 0, oracle, (int) off, data.length);
    }

    /**
     * {@code data} as the three kinds of buffer a write meets: a heap array, one direct buffer, and a composite of
     * direct and heap pieces (an NBD payload that spans several socket reads).
     */
    private static ByteBuf payload(byte[] data, int kind) {
        switch (kind % 3) {
            case 0:
                return Unpooled.wrappedBuffer(data);
            case 1:
                return Unpooled.directBuffer(data.length).writeBytes(data);
            default:
                int a = data.length / 3;
                int b = 2 * data.length / 3;
                CompositeByteBuf c = Unpooled.compositeBuffer();
                c.addComponent(true, Unpooled.directBuffer(a).writeBytes(data, 0, a));
                c.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(data, a, b)));
                c.addComponent(true, Unpooled.directBuffer(data.length - b).writeBytes(data, b, data.length - b));
                return c;
        }
    }

    private void zero(long off, long len, boolean discard) throws Exception {
        zero(main, off, len, discard);
    }

    private void zero(View via, long off, long len, boolean discard) throws Exception {
        via.io().zero(via.inode(), off, len, discard, false).get(10, TimeUnit.SECONDS);
        Arrays.fill(oracle, (int) off, (int) (off + len), (byte) 0);
    }

    private byte[] read(long off, int len) throws Exception {
        return read(main, off, len);
    }

    private byte[] read(View via, long off, int len) throws Exception {
        ByteBuf b = via.io().read(via.inode(), off, len).get(10, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[len];
            b.getBytes(0, out);
            return out;
        } finally {
            b.release();
        }
    }

    /** One gateway's inode of the VDI and its I/O. */
    private record View(Inode inode, VdiIo io) {
    }
}
