package io.sheepdog.nbd.server;

import static io.sheepdog.nbd.testutil.Wire.bytes;
import static io.sheepdog.nbd.testutil.Wire.chunk;
import static io.sheepdog.nbd.testutil.Wire.concat;
import static io.sheepdog.nbd.testutil.Wire.request;
import static io.sheepdog.nbd.testutil.Wire.simpleReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.codec.NbdReplyEncoder;
import io.sheepdog.nbd.codec.NbdRequestDecoder;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NbdTransmissionHandlerTest {

    private static final long SIZE = 1 << 20;
    private static final int MAX_PAYLOAD = 64 * 1024;
    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int DISC = 2;
    private static final int FLUSH = 3;
    private static final int TRIM = 4;
    private static final int CACHE = 5;
    private static final int ZEROES = 6;
    private static final int STATUS = 7;

    private ScriptedDevice device;
    private EmbeddedChannel channel;

    private void open(boolean structured, boolean readOnly, boolean baseAllocation, int maxInFlight) {
        open(structured, readOnly, baseAllocation ? List.of(NbdSession.MetaContext.BASE_ALLOCATION) : List.of(),
                maxInFlight);
    }

    private void open(boolean structured, boolean readOnly, List<NbdSession.MetaContext> contexts, int maxInFlight) {
        device = new ScriptedDevice(SIZE, readOnly);
        int flags = NbdExportFlags.of(device, structured);
        NbdSession session = new NbdSession("test", device, flags, structured, contexts, MAX_PAYLOAD);
        channel = new EmbeddedChannel(new NbdRequestDecoder(MAX_PAYLOAD), new NbdReplyEncoder(),
                new NbdTransmissionHandler(session, maxInFlight));
    }

    private void open(boolean structured) {
        open(structured, false, true, 16);
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            Channels.drainOutbound(channel);
            channel.finishAndReleaseAll();
        }
        // only unfinished writes hold buffers (their payload); fail them so the handler releases it
        for (ScriptedDevice.Call call : device.calls) {
            if (!call.future().isDone() && call.data() != null) {
                call.future().completeExceptionally(new BlockDeviceException(NbdError.EIO, "test teardown"));
            }
        }
    }

    private void send(byte[]... parts) {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(parts)));
    }

    private static ByteBuf data(byte[] b) {
        return PooledByteBufAllocator.DEFAULT.buffer(b.length).writeBytes(b);
    }

    private static byte[] error(long cookie, NbdError error, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return chunk(1, 0x8001, cookie, bytes().u32(error.code()).u16(m.length).raw(m).array());
    }

    @Test
    void repliesLeaveInCompletionOrder() {
        open(false);
        byte[] payload = Wire.pattern(100, 5);
        send(request(0, READ, 1, 0, 4), request(0, WRITE, 2, 8, payload.length), payload, request(0, FLUSH, 3, 0, 0));
        assertThat(device.calls).extracting(ScriptedDevice.Call::op).containsExactly("read", "write", "flush");
        assertThat(Channels.drainOutbound(channel)).isEmpty();

        device.call(2).future().complete(null);
        assertThat(Channels.drainOutbound(channel)).isEqualTo(simpleReply(0, 3));
        device.call(0).future(ByteBuf.class).complete(data(new byte[] {1, 2, 3, 4}));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(0, 1), new byte[] {1, 2, 3, 4}));
        ByteBuf written = device.call(1).data();
        assertThat(written.refCnt()).as("payload held until the device completes").isPositive();
        device.call(1).future().complete(null);
        assertThat(Channels.drainOutbound(channel)).isEqualTo(simpleReply(0, 2));
        assertThat(written.refCnt()).as("payload released after completion").isZero();
    }

    @Test
    void structuredReadIsOneOffsetDataChunkFlaggedDone() {
        open(true);
        send(request(4, READ, 7, 4096, 3)); // with DF, advertised with structured replies
        device.call(0).future(ByteBuf.class).complete(data(new byte[] {9, 8, 7}));
        assertThat(Channels.drainOutbound(channel))
                .isEqualTo(chunk(1, 1, 7, bytes().u64(4096).u8(9).u8(8).u8(7).array()));
    }

    @Test
    void deviceErrorsBecomeErrorChunksOrSimpleErrors() {
        open(true);
        send(request(0, READ, 1, 0, 512), request(0, FLUSH, 2, 0, 0));
        device.call(0).future().completeExceptionally(new BlockDeviceException(NbdError.ENOSPC, "full"));
        device.call(1).future().completeExceptionally(new IllegalStateException("bug"));
        assertThat(Channels.drainOutbound(channel))
                .isEqualTo(concat(error(1, NbdError.ENOSPC, "full"), error(2, NbdError.EIO, "bug")));

        open(false);
        send(request(0, READ, 3, 0, 512));
        device.call(0).future().completeExceptionally(new BlockDeviceException(NbdError.EIO, "disk"));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(simpleReply(5, 3));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aDeviceThrowingInsteadOfFailingItsFutureGetsEio() {
        open(false);
        device.throwOnCall = new IllegalStateException("synchronous failure");
        send(request(0, FLUSH, 1, 0, 0));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(simpleReply(5, 1));
    }

    @Test
    void aShortReadFromTheDeviceIsEio() {
        open(false);
        send(request(0, READ, 1, 0, 4));
        ByteBuf shortData = data(new byte[] {1, 2});
        device.call(0).future(ByteBuf.class).complete(shortData);
        assertThat(Channels.drainOutbound(channel)).isEqualTo(simpleReply(5, 1));
        assertThat(shortData.refCnt()).isZero();
    }

    @Test
    void outOfRangeRequestsAreRefusedWithoutTouchingTheDeviceAndTheSessionSurvives() {
        open(false);
        byte[] payload = new byte[16];
        send(request(0, READ, 1, SIZE - 8, 16),
                request(0, WRITE, 2, SIZE - 8, 16), payload,
                request(0, TRIM, 3, SIZE, 1),
                request(0, ZEROES, 4, SIZE + 1, 0),
                request(0, CACHE, 5, 0, SIZE + 1),
                request(0, READ, 6, -1L, 1),
                request(0, TRIM, 7, 1, 0xFFFF_FFFFL));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(22, 1), simpleReply(28, 2),
                simpleReply(22, 3), simpleReply(28, 4), simpleReply(22, 5), simpleReply(22, 6), simpleReply(22, 7)));
        assertThat(device.calls).isEmpty();
        send(request(0, READ, 8, SIZE - 1, 1));
        assertThat(device.calls).hasSize(1);
        device.call(0).future(ByteBuf.class).complete(data(new byte[] {42}));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(0, 8), new byte[] {42}));
    }

    @Test
    void writesToAReadOnlyExportAreEperm() {
        open(false, true, false, 16);
        send(request(0, WRITE, 1, 0, 4), new byte[4], request(0, TRIM, 2, 0, 4), request(0, ZEROES, 3, 0, 4),
                request(0, READ, 4, 0, 1));
        assertThat(Channels.drainOutbound(channel))
                .isEqualTo(concat(simpleReply(1, 1), simpleReply(1, 2), simpleReply(1, 3)));
        assertThat(device.calls).extracting(ScriptedDevice.Call::op).containsExactly("read");
        device.call(0).future(ByteBuf.class).complete(data(new byte[] {0}));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(0, 4), new byte[] {0}));
    }

    @Test
    void unknownCommandsAndFlagsAreEinval() {
        open(false);
        send(request(0, 8, 1, 0, 0), // RESIZE: not supported
                request(0, 200, 2, 0, 0),
                request(2, READ, 3, 0, 1), // NO_HOLE on READ
                request(4, READ, 4, 0, 1), // DF without structured replies
                request(16, ZEROES, 5, 0, 1), // FAST_ZERO, not advertised
                request(0x100, FLUSH, 6, 0, 0));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(22, 1), simpleReply(22, 2),
                simpleReply(22, 3), simpleReply(22, 4), simpleReply(22, 5), simpleReply(22, 6)));
        assertThat(device.calls).isEmpty();
    }

    @Test
    void structuredErrorsForRefusedReadsCarryAMessage() {
        open(true);
        send(request(0, READ, 1, SIZE, 1), request(0, READ, 2, 0, MAX_PAYLOAD + 1));
        byte[] out = Channels.drainOutbound(channel);
        // two ERROR chunks flagged DONE: EINVAL for the range, EOVERFLOW for the oversized read
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out);
        for (int[] expected : new int[][] {{1, 22}, {2, 75}}) {
            assertThat(b.getInt()).isEqualTo(Wire.STRUCTURED_MAGIC);
            assertThat(b.getShort()).isEqualTo((short) 1);
            assertThat(b.getShort() & 0xffff).isEqualTo(0x8001);
            assertThat(b.getLong()).isEqualTo(expected[0]);
            int length = b.getInt();
            assertThat(b.getInt()).isEqualTo(expected[1]);
            int messageLength = b.getShort() & 0xffff;
            assertThat(messageLength).isEqualTo(length - 6).isPositive();
            b.position(b.position() + messageLength);
        }
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void blockStatusNeedsANegotiatedContext() {
        open(true, false, false, 16);
        send(request(0, STATUS, 1, 0, 4096));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(error(1, NbdError.EINVAL,
                "no metadata context was negotiated"));
    }

    @Test
    void blockStatusWithReqOneIsOneDescriptorWithinTheRequestedLength() {
        open(true);
        send(request(8, STATUS, 1, 4096, 1000), request(0, STATUS, 2, 0, 8192));
        assertThat(device.call(0).length()).isEqualTo(1000);
        device.call(0).future().complete(ScriptedDevice.extents(new Extent(65536, true, true)));
        device.call(1).future().complete(ScriptedDevice.extents(new Extent(4096, false, false),
                new Extent(4096, true, true), new Extent(4096, false, false)));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(
                chunk(1, 5, 1, bytes().u32(1).u32(1000).u32(3).array()),
                chunk(1, 5, 2, bytes().u32(1).u32(4096).u32(0).u32(4096).u32(3).array())));
    }

    @Test
    void blockStatusIsOneChunkPerSelectedContextInSessionOrderTheLastFlaggedDone() {
        open(true, false, List.of(NbdSession.MetaContext.BASE_ALLOCATION,
                new NbdSession.MetaContext(2, "x-test:diff:a")), 16);
        send(request(0, STATUS, 1, 4096, 3 * 4096));
        assertThat(device.calls).extracting(c -> c.op() + " " + c.offset() + " " + c.length())
                .containsExactly("status 4096 12288", "status x-test:diff:a 4096 12288");
        // the second context answers first: nothing leaves until both have
        device.call(1).future().complete(ScriptedDevice.extents(new Extent(4096, 1), new Extent(4096, 1),
                new Extent(1 << 20, 0)));
        assertThat(Channels.drainOutbound(channel)).isEmpty();
        device.call(0).future().complete(ScriptedDevice.extents(new Extent(65536, true, true)));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(
                chunk(0, 5, 1, bytes().u32(1).u32(65536).u32(3).array()),
                chunk(1, 5, 1, bytes().u32(2).u32(8192).u32(1).u32(SIZE - 4096 - 8192).u32(0).array())));

        send(request(8, STATUS, 2, 0, 100)); // REQ_ONE: one descriptor in each chunk, within the request
        device.call(2).future().complete(ScriptedDevice.extents(new Extent(4096, false, false)));
        device.call(3).future().complete(ScriptedDevice.extents(new Extent(8192, 0xffff_ffff)));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(
                chunk(0, 5, 2, bytes().u32(1).u32(100).u32(0).array()),
                chunk(1, 5, 2, bytes().u32(2).u32(100).u32(0xffff_ffff).array())));
    }

    @Test
    void blockStatusOfAProviderContextAloneNeverAsksForAllocation() {
        open(true, false, List.of(new NbdSession.MetaContext(2, "x-test:diff:")), 16);
        send(request(0, STATUS, 1, 0, 8192));
        assertThat(device.calls).extracting(ScriptedDevice.Call::op).containsExactly("status x-test:diff:");
        device.call(0).future().complete(ScriptedDevice.extents(new Extent(SIZE, 1)));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(chunk(1, 5, 1,
                bytes().u32(2).u32((int) SIZE).u32(1).array()));
    }

    @Test
    void aFailingContextMakesTheWholeBlockStatusOneErrorChunk() {
        open(true, false, List.of(NbdSession.MetaContext.BASE_ALLOCATION,
                new NbdSession.MetaContext(2, "x-test:diff:gone")), 16);
        send(request(0, STATUS, 1, 0, 4096));
        device.call(0).future().complete(ScriptedDevice.extents(new Extent(4096, false, false)));
        device.call(1).future().completeExceptionally(new BlockDeviceException(NbdError.EINVAL, "no snapshot gone"));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(error(1, NbdError.EINVAL, "no snapshot gone"));
    }

    @Test
    void zeroLengthRequestsSucceedWithoutTheDevice() {
        open(true);
        send(request(0, READ, 1, SIZE, 0), request(0, WRITE, 2, 0, 0), request(0, TRIM, 3, 5, 0),
                request(0, ZEROES, 4, 0, 0), request(0, CACHE, 5, 0, 4096));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(chunk(1, 0, 1, new byte[0]),
                simpleReply(0, 2), simpleReply(0, 3), simpleReply(0, 4), simpleReply(0, 5)));
        assertThat(device.calls).isEmpty();
    }

    @Test
    void hugeTrimsAndZeroesGoToTheDeviceWithTheirFlags() {
        open(false);
        send(request(1, TRIM, 1, 0, 0xF_0000), request(3, ZEROES, 2, 4096, 0xF_0000), request(0, ZEROES, 3, 0, 1));
        assertThat(device.calls).extracting(c -> c.op() + " " + c.offset() + " " + c.length() + " " + c.flagA() + " "
                + c.flagB()).containsExactly("trim 0 983040 true false", "zero 4096 983040 true true",
                "zero 0 1 false false");
    }

    @Test
    void disconnectFinishesInFlightRequestsThenClosesAndClosesTheDevice() {
        open(false);
        send(request(0, READ, 1, 0, 2), request(0, DISC, 2, 0, 0), request(0, READ, 3, 0, 2));
        assertThat(device.calls).as("nothing after DISC is served").hasSize(1);
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();
        device.call(0).future(ByteBuf.class).complete(data(new byte[] {5, 6}));
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(0, 1), new byte[] {5, 6}));
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(device.closes.get()).isEqualTo(1);
    }

    @Test
    void aConnectionClosedWithRequestsInFlightClosesTheDeviceAfterThemAndFreesLateData() {
        open(true);
        send(request(0, READ, 1, 0, 2));
        channel.close();
        assertThat(device.closes.get()).as("the device is still working on a request").isZero();
        ByteBuf late = data(new byte[] {1, 2});
        device.call(0).future(ByteBuf.class).complete(late);
        assertThat(late.refCnt()).isZero();
        assertThat(device.closes.get()).isEqualTo(1);
    }

    @Test
    void stopsReadingWhileTooManyRequestsAreInFlight() {
        open(false, false, false, 2);
        send(request(0, FLUSH, 1, 0, 0));
        assertThat(channel.config().isAutoRead()).isTrue();
        send(request(0, FLUSH, 2, 0, 0));
        assertThat(channel.config().isAutoRead()).isFalse();
        device.call(0).future().complete(null);
        assertThat(channel.config().isAutoRead()).isTrue();
        device.call(1).future().complete(null);
        assertThat(Channels.drainOutbound(channel)).isEqualTo(concat(simpleReply(0, 1), simpleReply(0, 2)));
    }

    @Test
    void badMagicClosesTheConnection() {
        open(false);
        try {
            send(bytes().u32(0xdeadbeefL).zeroes(24).array());
        } catch (RuntimeException expected) {
            // EmbeddedChannel rethrows what reached the tail; the handler has already closed the channel
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(device.closes.get()).isEqualTo(1);
    }

    @Test
    void anOversizedWriteClosesTheConnection() {
        open(false);
        try {
            send(request(0, WRITE, 1, 0, MAX_PAYLOAD + 1L));
        } catch (RuntimeException expected) {
            // see above
        }
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void repliesUseTheCookieVerbatim() {
        open(false);
        send(request(0, FLUSH, 0xFEDC_BA98_7654_3210L, 0, 0));
        device.call(0).future().complete(null);
        assertThat(Channels.drainOutbound(channel)).isEqualTo(simpleReply(0, 0xFEDC_BA98_7654_3210L));
        assertThat(List.of(channel.isOpen())).containsExactly(true);
    }
}
