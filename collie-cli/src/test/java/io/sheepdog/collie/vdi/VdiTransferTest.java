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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The chunking and pipelining of VdiTransfer, against FakeSheep with answers delayed and reordered. */
@ExtendWith(NettyLeakCheck.class)
class VdiTransferTest {

    private static final int MIB = 1 << 20;
    private final FakeSheep sheep = new FakeSheep();
    private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(4);
    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<long[]> requests = new ArrayList<>();

    @AfterEach
    void stop() {
        delays.shutdownNow();
    }

    /**
     * FakeSheep whose answers come 2-5 ms late, so later requests often complete first. No answer comes before a
     * second request is in flight (or 5 s passed): a transfer that pipelines always gets there, while one that
     * waits for each answer does not, however slowly a loaded machine copies the chunks.
     */
    private final ForwardingVdiOps slow = new ForwardingVdiOps(sheep) {
        @Override
        public CompletableFuture<ByteBuf> read(int vid, long offset, int length) {
            return delayed(super.read(vid, offset, length), offset, length);
        }

        @Override
        public CompletableFuture<Void> write(int vid, long offset, ByteBuf data, boolean fua) {
            return delayed(super.write(vid, offset, data, fua), offset, data.readableBytes());
        }
    };

    private <T> CompletableFuture<T> delayed(CompletableFuture<T> done, long offset, int length) {
        synchronized (requests) {
            requests.add(new long[] {offset, length});
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<T> late = new CompletableFuture<>();
        long delay;
        synchronized (random) {
            delay = 2000 + random.nextInt(3000);
        }
        answerLater(() -> {
            inFlight.decrementAndGet();
            done.whenComplete((v, t) -> {
                if (t != null) {
                    late.completeExceptionally(t);
                } else {
                    late.complete(v);
                }
            });
        }, delay, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        return late;
    }

    private void answerLater(Runnable answer, long delayMicros, long deadlineNanos) {
        delays.schedule(() -> {
            if (maxInFlight.get() >= 2 || System.nanoTime() - deadlineNanos > 0) {
                answer.run();
            } else {
                answerLater(answer, 1000, deadlineNanos);
            }
        }, delayMicros, TimeUnit.MICROSECONDS);
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
        assertThat(maxInFlight.get()).as("never more than the window").isBetween(2, 4);
        // Every request stays inside one object.
        assertThat(requests).allSatisfy(r -> assertThat(r[0] / (4 * MIB)).isEqualTo((r[0] + r[1] - 1) / (4 * MIB)));
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
        assertThat(maxInFlight.get()).isBetween(2, 8);
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
