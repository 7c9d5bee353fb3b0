package io.sheepdog.nbd.server;

import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_BLOCK_STATUS;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_CACHE;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_FLUSH;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_READ;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_TRIM;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_WRITE;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_WRITE_ZEROES;
import static io.sheepdog.nbd.testutil.NbdTestClient.FLAG_FUA;
import static io.sheepdog.nbd.testutil.NbdTestClient.FLAG_NO_HOLE;
import static io.sheepdog.nbd.testutil.NbdTestClient.FLAG_REQ_ONE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import io.sheepdog.nbd.testutil.NbdTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random pipelined batches of every command over a real socket, checked against a plain byte-array oracle. Each
 * batch uses disjoint ranges (so its requests may complete in any order, and the device completes them on four
 * threads), every reply is checked, then the batch's effects are applied to the oracle. Reproduce a failure with
 * {@code -Dnbd.seed=<seed>} (the seed is logged and in every assertion message).
 */
class NbdRandomizedIOTest {

    private static final Logger LOG = LoggerFactory.getLogger(NbdRandomizedIOTest.class);
    private static final int SIZE = 8 << 20;
    private static final int BATCHES = 150;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One request of a batch and what the oracle expects of it. */
    private record Op(int type, int flags, long offset, long length, byte[] data, int expectedError) {
        boolean overlaps(Op o) {
            return offset < o.offset + o.length && o.offset < offset + length;
        }
    }

    @ParameterizedTest(name = "structured={0}")
    @ValueSource(booleans = {false, true})
    void randomBatchesMatchTheOracle(boolean structured) throws Exception {
        long seed = Long.getLong("nbd.seed", System.nanoTime());
        LOG.info("NbdRandomizedIOTest structured={} seed={}", structured, seed);
        Random random = new Random(seed);
        ExecutorService deviceThreads = Executors.newFixedThreadPool(4);
        MemoryBlockDevice device = new MemoryBlockDevice(SIZE, deviceThreads);
        byte[] oracle = new byte[SIZE];
        NbdServerConfig config = NbdServerConfig.builder().port(0).maxPayload(1 << 20).build();
        int outOfOrder = 0;
        try (NbdServer server = new NbdServer(config, new MemoryExportProvider().add("r", "", device))) {
            int port = server.start();
            try (NbdTestClient client = NbdTestClient.connect(port, "r", structured, structured)) {
                for (int batch = 0; batch < BATCHES; batch++) {
                    String context = "seed=" + seed + " batch=" + batch;
                    List<Op> ops = batch(random, structured);
                    Map<Long, Op> byCookie = new HashMap<>();
                    List<Long> sent = new ArrayList<>();
                    for (Op op : ops) {
                        long cookie = op.type() == CMD_WRITE ? client.sendWrite(op.offset(), op.data(), op.flags())
                                : client.send(op.type(), op.flags(), op.offset(), op.length());
                        byCookie.put(cookie, op);
                        sent.add(cookie);
                    }
                    for (int i = 0; i < ops.size(); i++) {
                        NbdTestClient.Reply reply = client.reply(TIMEOUT);
                        if (reply.cookie() != sent.get(i)) {
                            outOfOrder++;
                        }
                        Op op = byCookie.remove(reply.cookie());
                        assertThat(op).as("%s: reply for a pending cookie", context).isNotNull();
                        check(op, reply, oracle, structured, context + " op=" + op.type() + "@" + op.offset()
                                + "+" + op.length());
                    }
                    ops.forEach(op -> apply(op, oracle));
                }
                for (int offset = 0; offset < SIZE; offset += 1 << 20) {
                    NbdTestClient.Reply reply = client.call(CMD_READ, 0, offset, 1 << 20, null);
                    assertThat(reply.data()).as("seed=%d final read at %d", seed, offset)
                            .isEqualTo(Arrays.copyOfRange(oracle, offset, offset + (1 << 20)));
                }
            }
            assertThat(device.snapshot(0, SIZE)).as("seed=%d device contents", seed).isEqualTo(oracle);
        } finally {
            deviceThreads.shutdownNow();
        }
        LOG.info("seed={}: {} replies arrived out of request order", seed, outOfOrder);
    }

    private static List<Op> batch(Random random, boolean structured) {
        int count = 1 + random.nextInt(24);
        List<Op> ops = new ArrayList<>();
        while (ops.size() < count) {
            Op op = randomOp(random, structured);
            if (op.expectedError() != 0 || ops.stream().noneMatch(op::overlaps)) {
                ops.add(op);
            }
        }
        return ops;
    }

    private static Op randomOp(Random random, boolean structured) {
        int kind = random.nextInt(structured ? 9 : 8);
        boolean outOfRange = random.nextInt(30) == 0;
        int maxLength = kind == 1 || kind == 0 ? 128 * 1024 : 1 << 20;
        long length = 1 + random.nextInt(random.nextBoolean() ? 4096 : maxLength);
        long offset = outOfRange ? SIZE - length + 1 + random.nextInt(4096)
                : random.nextInt((int) (SIZE - length + 1));
        if (random.nextBoolean() && !outOfRange) {
            offset &= ~511L; // mix aligned and unaligned requests
        }
        int fua = random.nextInt(4) == 0 ? FLAG_FUA : 0;
        switch (kind) {
            case 0:
            case 1:
                return new Op(CMD_READ, 0, offset, length, null, outOfRange ? 22 : 0);
            case 2:
            case 3: {
                byte[] data = new byte[(int) length];
                random.nextBytes(data);
                return new Op(CMD_WRITE, fua, offset, length, data, outOfRange ? 28 : 0);
            }
            case 4:
                return new Op(CMD_TRIM, fua, offset, length, null, outOfRange ? 22 : 0);
            case 5: {
                int flags = fua | (random.nextBoolean() ? FLAG_NO_HOLE : 0);
                return new Op(CMD_WRITE_ZEROES, flags, offset, length, null, outOfRange ? 28 : 0);
            }
            case 6:
                return new Op(CMD_FLUSH, fua, 0, 0, null, 0);
            case 7:
                return new Op(CMD_CACHE, 0, offset, length, null, outOfRange ? 22 : 0);
            default:
                return new Op(CMD_BLOCK_STATUS, random.nextBoolean() ? FLAG_REQ_ONE : 0, offset, length, null,
                        outOfRange ? 22 : 0);
        }
    }

    private static void check(Op op, NbdTestClient.Reply reply, byte[] oracle, boolean structured, String context) {
        assertThat(reply.error()).as(context).isEqualTo(op.expectedError());
        assertThat(reply.structured()).as(context + " reply kind")
                .isEqualTo(structured && (op.type() == CMD_READ || op.type() == CMD_BLOCK_STATUS
                        || op.expectedError() != 0));
        if (op.expectedError() != 0) {
            return;
        }
        int from = (int) op.offset();
        if (op.type() == CMD_READ) {
            assertThat(reply.data()).as(context).isEqualTo(Arrays.copyOfRange(oracle, from, from + (int) op.length()));
            assertThat(reply.chunks()).as(context + " one chunk").isEqualTo(1);
        } else if (op.type() == CMD_BLOCK_STATUS) {
            checkExtents(op, reply.extents(), oracle, context);
        }
    }

    private static void checkExtents(Op op, List<long[]> extents, byte[] oracle, String context) {
        assertThat(extents).as(context).isNotEmpty();
        if ((op.flags() & FLAG_REQ_ONE) != 0) {
            assertThat(extents).as(context + " REQ_ONE").hasSize(1);
            assertThat(extents.get(0)[0]).as(context + " REQ_ONE length").isLessThanOrEqualTo(op.length());
        }
        long beforeLast = extents.subList(0, extents.size() - 1).stream().mapToLong(e -> e[0]).sum();
        assertThat(beforeLast).as(context + " descriptors before the last").isLessThan(op.length());
        long pos = op.offset();
        for (long[] e : extents) {
            assertThat(e[0]).as(context + " descriptor length").isPositive();
            assertThat(pos + e[0]).as(context + " within the export").isLessThanOrEqualTo(SIZE);
            if ((e[1] & 2) != 0) { // NBD_STATE_ZERO: must read as zeroes
                for (long i = pos; i < pos + e[0]; i++) {
                    if (oracle[(int) i] != 0) {
                        throw new AssertionError(context + ": byte " + i + " reported zero but is " + oracle[(int) i]);
                    }
                }
            }
            pos += e[0];
        }
    }

    private static void apply(Op op, byte[] oracle) {
        if (op.expectedError() != 0) {
            return;
        }
        int from = (int) op.offset();
        int to = (int) (op.offset() + op.length());
        if (op.type() == CMD_WRITE) {
            System.arraycopy(op.data(), 0, oracle, from, op.data().length);
        } else if (op.type() == CMD_TRIM || op.type() == CMD_WRITE_ZEROES) {
            // the memory device guarantees trimmed ranges read as zeroes
            Arrays.fill(oracle, from, to, (byte) 0);
        }
    }
}
