package io.sheepdog.daemon.it.hostile;

import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_READ;
import static io.sheepdog.nbd.testutil.NbdTestClient.CMD_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.api.VdiInfo;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.daemon.testing.cluster.ProcessCluster;
import io.sheepdog.nbd.testutil.NbdTestClient;
import io.sheepdog.nbd.testutil.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon with little direct memory ({@value #DIRECT_MIB} MiB) under the attacks the bounds exist for
 * (docs/architecture.md, "Bounded resources"), each while another client does large I/O that must succeed and
 * verify: (a) 64 pipelined 32 MiB NBD reads whose replies are never read, (b) a few unfinished 60 MiB sheep frames.
 * The daemon's RSS stays under a bound, the other client is served, and the attacker is closed by the stall or
 * unfinished-frame timeout (shortened to {@value #STALL_SECONDS} s here).
 */
class MemoryBoundIT {
    private static final int DIRECT_MIB = 384;
    private static final int HEAP_MIB = 512;
    /**
     * Heap and direct memory at their maximum plus 128 MiB (metaspace, code, stacks, RocksDB); measured: 342 MiB at
     * most during the NBD attack, 327 MiB during the sheep one. Without the bounds the direct memory runs out.
     */
    private static final long RSS_BOUND_KIB = (HEAP_MIB + DIRECT_MIB + 128L) << 10;
    private static final int STALL_SECONDS = 5;
    private static final int BIG = 32 << 20;

    @TempDir
    static Path work;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = ProcessCluster.builder(work).nodes(1).copies(1)
                .jvmArgs("-XX:MaxDirectMemorySize=" + DIRECT_MIB + "m")
                .daemonArgs("--nbd-max-in-flight", "128", "--max-in-flight", "128",
                        "--stall-timeout", Integer.toString(STALL_SECONDS))
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void pipelinedReadsWhoseRepliesAreNeverReadHoldTheirShareWhileAnotherClientIsServed() throws Exception {
        cluster.client(0).create("bait", 4L << 30, 0);
        cluster.client(0).create("victim", 512L << 20, 0);
        cluster.awaitVdi("victim");
        long before = rssKib();
        int port = cluster.endpoint(0).nbdPort();
        try (Socket attacker = NbdTestClient.connectUnread(port, "bait/ro");
             NbdTestClient victim = NbdTestClient.connect(port, "victim", true, false)) {
            OutputStream out = attacker.getOutputStream();
            for (int i = 0; i < 64; i++) {
                out.write(Wire.request(0, CMD_READ, i + 1, (long) i * BIG, BIG));
            }
            out.flush();
            long most = before;
            Random random = new Random(11);
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[BIG];
                random.nextBytes(data);
                long offset = (long) i * BIG;
                assertThat(victim.call(CMD_WRITE, 0, offset, BIG, data).error()).isZero();
                assertThat(victim.call(CMD_READ, 0, offset, BIG, null).data()).isEqualTo(data);
                most = Math.max(most, rssKib());
            }
            awaitLog("NBD client .* closed: it held");
            most = Math.max(most, rssKib());
            report("NBD read amplification", before, most);
            assertThat(most).as("RSS in KiB").isLessThan(RSS_BOUND_KIB);
        }
        assertThat(cluster.sheep(0).log()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void unfinishedLargeSheepFramesAreClosedWhileAnotherClientIsServed() throws Exception {
        VdiInfo vdi = cluster.client(0).create("frames", 256L << 20, 0);
        cluster.awaitVdi("frames");
        long before = rssKib();
        List<Socket> attackers = new ArrayList<>();
        try (SheepClient victim = cluster.client(0)) {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket(cluster.endpoint(0).host(), cluster.endpoint(0).port());
                attackers.add(s);
                s.getOutputStream().write(unfinishedWrite(vdi.vid(), 60 << 20, 1 << 20));
                s.getOutputStream().flush();
            }
            long most = before;
            Random random = new Random(12);
            for (int i = 0; i < 8; i++) {
                byte[] data = new byte[4 << 20];
                random.nextBytes(data);
                long offset = (long) i * data.length;
                victim.write(vdi.vid(), offset, Unpooled.wrappedBuffer(data), false).get(60, TimeUnit.SECONDS);
                ByteBuf back = victim.read(vdi.vid(), offset, data.length).get(60, TimeUnit.SECONDS);
                try {
                    assertThat(ByteBufUtil.getBytes(back)).isEqualTo(data);
                } finally {
                    back.release();
                }
                most = Math.max(most, rssKib());
            }
            awaitLog("sheep client .* closed: a request's payload did not arrive");
            report("unfinished sheep frames", before, most);
            assertThat(most).as("RSS in KiB").isLessThan(RSS_BOUND_KIB);
        } finally {
            for (Socket s : attackers) {
                s.close();
            }
        }
        assertThat(cluster.sheep(0).log()).doesNotContain("OutOfMemoryError");
    }

    /** A VDI_WRITE header announcing {@code payload} bytes, followed by only {@code sent} of them. */
    private static byte[] unfinishedWrite(int vid, int payload, int sent) {
        ByteBuffer b = ByteBuffer.allocate(SheepProtocol.HEADER_SIZE + sent);
        b.putInt(SheepProtocol.MAGIC).put((byte) SheepProtocol.VERSION).put((byte) Opcode.VDI_WRITE.code())
                .putShort((short) 0).putInt(0).putInt(0).putLong(1).putInt(payload).putInt(0)
                .putLong(vid).putLong(0).putLong(payload).putLong(0);
        return b.array();
    }

    private static void awaitLog(String regex) {
        Pattern p = Pattern.compile(regex);
        Poll.until("the daemon's log line " + regex, Duration.ofSeconds(60),
                why -> p.matcher(cluster.sheep(0).log()).find() ? Optional.of(true) : Optional.empty());
    }

    private static long rssKib() throws IOException {
        String status = Files.readString(Path.of("/proc/" + cluster.sheep(0).pid() + "/status"));
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS in /proc/PID/status");
        }
        return Long.parseLong(m.group(1));
    }

    private static void report(String attack, long beforeKib, long mostKib) {
        System.out.printf("MemoryBoundIT %s: RSS %d MiB before, at most %d MiB during (bound %d MiB)%n", attack,
                beforeKib >> 10, mostKib >> 10, RSS_BOUND_KIB >> 10);
    }
}
