package io.sheepdog.collie.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.SnapshotRef;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SnapshotDiff (vdi backup): with reads answered late and out of order, the records still come in ascending order
 * (the reader would refuse them otherwise), reads stay within the window, only changed objects are read, and the
 * stream applied to the earlier snapshot gives the later one.
 */
@ExtendWith(NettyLeakCheck.class)
class SnapshotDiffTest {
    private static final int OBJECT = VdiTransfer.OBJECT_SIZE;
    private final FakeSheep sheep = new FakeSheep();
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final SlowVdiOps slow = new SlowVdiOps(sheep, seed);

    @AfterEach
    void stop() {
        slow.close();
    }

    @Test
    void recordsComeInOrderWhateverOrderTheReadsAnswerIn() throws Exception {
        sheep.format(1, false, false);
        int objects = 24;
        int vid = sheep.create("s", (long) objects * OBJECT - 512, 0).vid();
        for (int i = 0; i < objects; i += 2) {
            write(vid, (long) i * OBJECT, random(OBJECT / 2));
        }
        VdiInfo monday = sheep.snapshot("s", "monday");
        int working = sheep.lookup("s").vid();
        for (int i = 0; i < objects; i += 3) {
            write(working, (long) i * OBJECT + 4096 * random.nextInt(1000), random(4096 * (1 + random.nextInt(8))));
        }
        write(working, 4L * OBJECT, new byte[8192]);                 // zeroes over data: a zero record
        sheep.zero(working, 10L * OBJECT, OBJECT, true, false).get();  // object 10 discarded: unmapped
        VdiInfo tuesday = sheep.snapshot("s", "tuesday");

        SnapshotDiff.Side to = new SnapshotDiff.Side(tuesday.vid(), sheep.objectMap(tuesday.vid()));
        SnapshotDiff.Side from = new SnapshotDiff.Side(monday.vid(), sheep.objectMap(monday.vid()));
        List<Integer> changed = SnapshotDiff.changed(to, from);
        assertThat(changed).as("objects written since monday").containsExactly(0, 3, 4, 6, 9, 10, 12, 15, 18, 21);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackupStream.Writer w = new BackupStream.Writer(bytes, tuesday.size());
        long[] last = {-1};
        SnapshotDiff.Totals t = new SnapshotDiff(slow, 4).write(to, from, tuesday.size(), changed, w,
                (done, total) -> {
                    assertThat(done).isGreaterThanOrEqualTo(last[0]).isLessThanOrEqualTo(total);
                    last[0] = done;
                });
        w.end();

        assertThat(last[0]).isEqualTo(10L * OBJECT);
        assertThat(slow.maxInFlight()).as("seed %d: at most 4 objects, two reads each", seed).isBetween(2, 8);
        assertThat(slow.requests()).as("object 10 is not read").noneMatch(r -> r[0] == 10L * OBJECT);
        assertThat(t.zeroBytes()).isGreaterThanOrEqualTo(OBJECT + 8192);

        // Applied to a clone of monday, the stream gives tuesday.
        sheep.clone("s", SnapshotRef.parse("monday"), "copy");
        int copy = sheep.lookup("copy").vid();
        new BackupApplier(sheep, 8).apply(copy, new BackupStream.Reader(new ByteArrayInputStream(bytes.toByteArray())),
                (d, total) -> { });
        for (int i = 0; i < objects; i++) {
            int len = (int) Math.min(OBJECT, tuesday.size() - (long) i * OBJECT);
            assertThat(sheep.contents("copy", (long) i * OBJECT, len)).as("seed %d object %d", seed, i)
                    .isEqualTo(read(tuesday.vid(), (long) i * OBJECT, len));
        }
        assertThat(sheep.objectMap(copy)[10]).as("the discarded object is unmapped in the copy too").isZero();
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private void write(int vid, long offset, byte[] data) throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(data);
        try {
            sheep.write(vid, offset, b, false).get();
        } finally {
            b.release();
        }
    }

    private byte[] read(int vid, long offset, int length) throws Exception {
        ByteBuf b = sheep.read(vid, offset, length).get();
        try {
            byte[] out = new byte[length];
            b.getBytes(b.readerIndex(), out);
            return out;
        } finally {
            b.release();
        }
    }
}
