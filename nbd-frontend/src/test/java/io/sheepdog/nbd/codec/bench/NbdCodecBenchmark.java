package io.sheepdog.nbd.codec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.codec.NbdCommand;
import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.codec.NbdReply;
import io.sheepdog.nbd.codec.NbdReplyEncoder;
import io.sheepdog.nbd.codec.NbdRequest;
import io.sheepdog.nbd.codec.NbdRequestDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The NBD codecs as the transmission pipeline runs them, through an {@link EmbeddedChannel} (so the figures include
 * Netty's per-message handler overhead, as on a real channel, but no socket): decoding a socket read that holds 32
 * READ requests (what a QD32 client sends), decoding one 4 KiB WRITE, and encoding the replies of a 4 KiB read
 * (structured OFFSET_DATA, header plus the retained data buffer) and of a write (simple reply).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NbdCodecBenchmark {
    private static final int BATCH = 32;
    private static final int BLOCK = 4096;

    private EmbeddedChannel decoder;
    private EmbeddedChannel encoder;
    private ByteBuf reads;
    private ByteBuf write;
    private ByteBuf data;
    private long cookie;

    @Setup
    public void setUp() {
        decoder = new EmbeddedChannel(new NbdRequestDecoder(NbdProtocol.DEFAULT_MAX_PAYLOAD));
        encoder = new EmbeddedChannel(new NbdReplyEncoder());
        reads = PooledByteBufAllocator.DEFAULT.directBuffer(BATCH * NbdProtocol.REQUEST_HEADER_LENGTH);
        for (int i = 0; i < BATCH; i++) {
            header(reads, NbdCommand.READ, i, (long) i * BLOCK, BLOCK);
        }
        write = PooledByteBufAllocator.DEFAULT.directBuffer(NbdProtocol.REQUEST_HEADER_LENGTH + BLOCK);
        header(write, NbdCommand.WRITE, 1, 8 * BLOCK, BLOCK);
        write.writeZero(BLOCK);
        data = PooledByteBufAllocator.DEFAULT.directBuffer(BLOCK);
        data.writeZero(BLOCK);
    }

    @TearDown
    public void tearDown() {
        reads.release();
        write.release();
        data.release();
        decoder.finishAndReleaseAll();
        encoder.finishAndReleaseAll();
    }

    private static void header(ByteBuf buf, NbdCommand command, long cookie, long offset, int length) {
        buf.writeInt(NbdProtocol.REQUEST_MAGIC);
        buf.writeShort(0);
        buf.writeShort(command.code());
        buf.writeLong(cookie);
        buf.writeLong(offset);
        buf.writeInt(length);
    }

    /** One socket read holding 32 READ requests; per request it is a 32nd of this. */
    @Benchmark
    public void decode32Reads(Blackhole bh) {
        decoder.writeInbound(reads.retainedDuplicate());
        for (int i = 0; i < BATCH; i++) {
            bh.consume(decoder.<NbdRequest>readInbound());
        }
    }

    /** One 4 KiB WRITE request: header and payload in one socket read, the payload taken as a retained slice. */
    @Benchmark
    public void decodeWrite4k(Blackhole bh) {
        decoder.writeInbound(write.retainedDuplicate());
        NbdRequest.Write request = decoder.readInbound();
        bh.consume(request.offset());
        request.content().release();
    }

    /** The structured reply to a 4 KiB READ: a chunk header and the data buffer, which is not copied. */
    @Benchmark
    public void encodeReadReply4k(Blackhole bh) {
        encoder.writeOutbound(new NbdReply.OffsetData(++cookie, NbdProtocol.REPLY_FLAG_DONE, 0,
                data.retainedDuplicate()));
        releaseOutbound(bh);
    }

    /** The simple reply acknowledging a WRITE. */
    @Benchmark
    public void encodeWriteReply(Blackhole bh) {
        encoder.writeOutbound(new NbdReply.Simple(++cookie, 0));
        releaseOutbound(bh);
    }

    private void releaseOutbound(Blackhole bh) {
        ByteBuf out;
        while ((out = encoder.readOutbound()) != null) {
            bh.consume(out.readableBytes());
            out.release();
        }
    }
}
