package io.sheepdog.nbd.server;

import static io.sheepdog.nbd.testutil.Wire.bytes;
import static io.sheepdog.nbd.testutil.Wire.chunk;
import static io.sheepdog.nbd.testutil.Wire.concat;
import static io.sheepdog.nbd.testutil.Wire.infoData;
import static io.sheepdog.nbd.testutil.Wire.metaData;
import static io.sheepdog.nbd.testutil.Wire.option;
import static io.sheepdog.nbd.testutil.Wire.optionReply;
import static io.sheepdog.nbd.testutil.Wire.request;
import static io.sheepdog.nbd.testutil.Wire.simpleReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.Extent;
import io.sheepdog.nbd.ForwardingBlockDevice;
import io.sheepdog.nbd.MetaContextSource;
import io.sheepdog.nbd.limit.ConnectionWatchdog;
import io.sheepdog.nbd.limit.ReadGate;
import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NbdHandshakeHandlerTest {

    private static final long SIZE = 1 << 20;
    private static final int MAX_PAYLOAD = 1 << 16;
    private static final byte[] NOTHING = new byte[0];
    /** HAS_FLAGS, SEND_FLUSH, SEND_FUA, SEND_TRIM, SEND_WRITE_ZEROES, CAN_MULTI_CONN, SEND_CACHE. */
    private static final int FLAGS = 1 | 4 | 8 | 32 | 64 | 256 | 1024;
    /** The same plus SEND_DF, offered with structured replies. */
    private static final int STRUCTURED_FLAGS = FLAGS | 128;

    private MemoryBlockDevice device;
    private MemoryExportProvider exports;
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        device = new MemoryBlockDevice(SIZE, Runnable::run);
        exports = new MemoryExportProvider().add("disk", "the disk", device).add("other", "", device);
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel newChannel() {
        NbdServerConfig config = NbdServerConfig.builder().maxPayload(MAX_PAYLOAD).build();
        return new EmbeddedChannel(new NbdServerInitializer(config, exports, null));
    }

    /** A channel past the greeting and the client flags. */
    private void negotiate(int clientFlags) {
        channel = newChannel();
        assertThat(Channels.drainOutbound(channel)).isEqualTo(Wire.greeting(3));
        send(bytes().u32(clientFlags).array());
        assertThat(Channels.drainOutbound(channel)).isEmpty();
    }

    private void send(byte[]... parts) {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(parts)));
    }

    private byte[] reply() {
        return Channels.drainOutbound(channel);
    }

    private static byte[] ack(int option) {
        return optionReply(option, 1, NOTHING);
    }

    private static byte[] infoExport(int option, int flags) {
        return optionReply(option, 3, bytes().u16(0).u64(SIZE).u16(flags).array());
    }

    private static byte[] blockSize(int option) {
        return optionReply(option, 3, bytes().u16(3).u32(1).u32(4096).u32(MAX_PAYLOAD).array());
    }

    private static byte[] errorReply(int option, long type, String message) {
        return optionReply(option, type, bytes().str(message).array());
    }

    /** NBD_REP_META_CONTEXT. */
    private static byte[] context(int option, int id, String name) {
        return optionReply(option, 4, bytes().u32(id).str(name).array());
    }

    /** Offers x-test:diff: and x-test:diff:a on export "disk" only, with "x-test:" as their wildcard. */
    private static final MetaContextSource DIFFS = (export, query) -> {
        List<String> all = List.of("x-test:diff:", "x-test:diff:a");
        if (!export.equals("disk")) {
            return List.of();
        }
        if (query.isEmpty() || query.equals("x-test:")) {
            return all;
        }
        return all.contains(query) ? List.of(query) : List.of();
    };

    /** Answers x-test:diff:a with its first 4 KiB changed (flag 1) and the rest not, and nothing else. */
    private static final class DiffDevice extends ForwardingBlockDevice {
        DiffDevice(BlockDevice device) {
            super(device);
        }

        @Override
        public CompletableFuture<List<Extent>> blockStatus(String context, long offset, long length) {
            if (!context.equals("x-test:diff:a")) {
                return super.blockStatus(context, offset, length);
            }
            return CompletableFuture.completedFuture(List.of(new Extent(4096, 1), new Extent(SIZE, 0)));
        }
    }

    @Test
    void greetingAdvertisesFixedNewstyleAndNoZeroes() {
        channel = newChannel();
        assertThat(reply()).isEqualTo(bytes().str("NBDMAGIC").str("IHAVEOPT").u16(3).array());
        assertThat(channel.pipeline().names()).startsWith(ReadGate.NAME, NbdServerInitializer.FLUSH_CONSOLIDATION,
                ConnectionWatchdog.NAME, NbdServerInitializer.HANDSHAKE_DECODER, NbdServerInitializer.HANDSHAKE_ENCODER,
                NbdServerInitializer.HANDSHAKE_HANDLER);
    }

    @Test
    void unknownClientFlagsCloseTheConnection() {
        channel = newChannel();
        reply();
        send(bytes().u32(4).array());
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void listNamesEveryExportThenAcks() {
        negotiate(1);
        send(option(3, NOTHING));
        assertThat(reply()).isEqualTo(concat(
                optionReply(3, 2, bytes().lstr("disk").str("the disk").array()),
                optionReply(3, 2, bytes().lstr("other").array()),
                ack(3)));
        send(option(3, new byte[] {1}));
        assertThat(reply()).isEqualTo(errorReply(3, 0x8000_0003L, "NBD_OPT_LIST takes no data"));
    }

    @Test
    void unknownOptionsAreUnsupportedAndNegotiationContinues() {
        negotiate(3);
        send(option(99, new byte[] {1, 2, 3}), option(4, NOTHING), option(11, NOTHING), option(3, NOTHING));
        assertThat(reply()).isEqualTo(concat(
                errorReply(99, 0x8000_0001L, "unsupported option 99"),
                errorReply(4, 0x8000_0001L, "unsupported option 4"),
                errorReply(11, 0x8000_0001L, "unsupported option 11"),
                optionReply(3, 2, bytes().lstr("disk").str("the disk").array()),
                optionReply(3, 2, bytes().lstr("other").array()),
                ack(3)));
    }

    @Test
    void starttlsIsRefusedByPolicy() {
        negotiate(3);
        send(option(5, NOTHING));
        assertThat(reply()).isEqualTo(errorReply(5, 0x8000_0002L, "TLS is not offered by this server"));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void infoDescribesAnExportWithoutLeavingTheHandshake() {
        negotiate(3);
        send(option(6, infoData("disk", 2, 1, 3, 77)));
        assertThat(reply()).isEqualTo(concat(
                infoExport(6, FLAGS),
                blockSize(6),
                optionReply(6, 3, bytes().u16(2).str("the disk").array()),
                optionReply(6, 3, bytes().u16(1).str("disk").array()),
                ack(6)));
        assertThat(channel.pipeline().get(NbdServerInitializer.HANDSHAKE_HANDLER)).isNotNull();
        assertThat(exports.openDevices()).as("INFO closes the device it opened").isZero();
    }

    @Test
    void infoAndGoForAnUnknownExportAreRefused() {
        negotiate(3);
        send(option(6, infoData("nope")), option(7, infoData("nope", 3)));
        assertThat(reply()).isEqualTo(concat(errorReply(6, 0x8000_0006L, "unknown export 'nope'"),
                errorReply(7, 0x8000_0006L, "unknown export 'nope'")));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void malformedGoIsInvalid() {
        negotiate(3);
        send(option(7, bytes().lstr("disk").u16(1).array()));
        assertThat(reply()).isEqualTo(errorReply(7, 0x8000_0003L,
                "information request count 1 does not match the option length"));
    }

    @Test
    void structuredRepliesAndMetaContexts() {
        negotiate(3);
        send(option(10, metaData("disk", "base:allocation")));
        assertThat(reply()).isEqualTo(errorReply(10, 0x8000_0003L,
                "NBD_OPT_SET_META_CONTEXT needs structured replies first"));
        send(option(8, new byte[] {0}));
        assertThat(reply()).isEqualTo(errorReply(8, 0x8000_0003L, "NBD_OPT_STRUCTURED_REPLY takes no data"));
        send(option(8, NOTHING));
        assertThat(reply()).isEqualTo(ack(8));
        byte[] baseAllocation = bytes().str("base:allocation").array();
        send(option(9, metaData("disk")), option(9, metaData("disk", "base:")), option(9, metaData("disk", "x:y")));
        assertThat(reply()).isEqualTo(concat(
                optionReply(9, 4, concat(bytes().u32(0).array(), baseAllocation)), ack(9),
                optionReply(9, 4, concat(bytes().u32(0).array(), baseAllocation)), ack(9),
                ack(9)));
        send(option(10, metaData("disk", "base:", "qemu:dirty-bitmap:a")));
        assertThat(reply()).as("base: selects nothing").isEqualTo(ack(10));
        send(option(10, metaData("disk", "qemu:x", "base:allocation")));
        assertThat(reply()).isEqualTo(concat(optionReply(10, 4, concat(bytes().u32(1).array(), baseAllocation)),
                ack(10)));
    }

    @Test
    void listAsksTheProviderForEveryQueryOutsideBase() {
        exports.metaContexts(DIFFS);
        negotiate(3);
        send(option(8, NOTHING));
        assertThat(reply()).isEqualTo(ack(8));
        send(option(9, metaData("disk")), option(9, metaData("disk", "x-test:")),
                option(9, metaData("disk", "x-test:diff:a", "x-test:diff:zz", "base:", "x-test:diff:a")),
                option(9, metaData("other", "x-test:", "x-test:diff:")));
        assertThat(reply()).isEqualTo(concat(
                context(9, 0, "base:allocation"), context(9, 0, "x-test:diff:"), context(9, 0, "x-test:diff:a"),
                ack(9),
                context(9, 0, "x-test:diff:"), context(9, 0, "x-test:diff:a"), ack(9),
                context(9, 0, "x-test:diff:a"), context(9, 0, "base:allocation"), ack(9),
                ack(9)));
    }

    @Test
    void setSelectsBaseAllocationAndAProviderContextWithTheirOwnIdsAndOmitsUnknownOnes() {
        exports.metaContexts(DIFFS).add("disk", "the disk", new DiffDevice(device));
        negotiate(3);
        send(option(8, NOTHING));
        reply();
        send(option(10, metaData("disk", "x-test:diff:a", "x-test:nope", "x-test:", "base:allocation",
                "x-test:diff:a")));
        assertThat(reply()).as("a wildcard selects nothing; base:allocation comes first")
                .isEqualTo(concat(context(10, 1, "base:allocation"), context(10, 2, "x-test:diff:a"), ack(10)));
        send(option(7, infoData("disk")));
        assertThat(reply()).endsWith(ack(7));
        send(request(0, 7, 1, 0, 8192));
        assertThat(reply()).isEqualTo(concat(
                chunk(0, 5, 1, bytes().u32(1).u32(8192).u32(3).array()),
                chunk(1, 5, 1, bytes().u32(2).u32(4096).u32(1).u32(SIZE - 4096).u32(0).array())));
    }

    @Test
    void aLaterSetReplacesTheSelectionAndOnlyKnownContextsCount() {
        exports.metaContexts(DIFFS).add("disk", "the disk", new DiffDevice(device));
        negotiate(3);
        send(option(8, NOTHING), option(10, metaData("disk", "base:allocation", "x-test:diff:a")));
        reply();
        send(option(10, metaData("disk", "x-test:diff:zz")));
        assertThat(reply()).as("an unknown context alone selects nothing").isEqualTo(ack(10));
        send(option(10, metaData("disk", "x-test:diff:a")));
        assertThat(reply()).isEqualTo(concat(context(10, 2, "x-test:diff:a"), ack(10)));
        send(option(7, infoData("disk")));
        reply();
        send(request(0, 7, 1, 0, 4096));
        assertThat(reply()).isEqualTo(chunk(1, 5, 1, bytes().u32(2).u32(4096).u32(1).array()));
    }

    @Test
    void goWithStructuredRepliesEntersTransmission() {
        negotiate(3);
        send(option(8, NOTHING), option(10, metaData("disk", "base:allocation")), option(7, infoData("disk", 3)));
        byte[] out = reply();
        assertThat(out).endsWith(concat(infoExport(7, STRUCTURED_FLAGS), blockSize(7), ack(7)));
        assertThat(channel.pipeline().names()).containsSubsequence(NbdServerInitializer.FLUSH_CONSOLIDATION,
                NbdServerInitializer.REQUEST_DECODER, NbdServerInitializer.REPLY_ENCODER,
                NbdServerInitializer.TRANSMISSION_HANDLER).doesNotContain(NbdServerInitializer.HANDSHAKE_HANDLER,
                NbdServerInitializer.HANDSHAKE_DECODER, NbdServerInitializer.HANDSHAKE_ENCODER);
        send(request(0, 1, 1, 0, 3), new byte[] {7, 8, 9}, request(0, 0, 2, 1, 2), request(0, 7, 3, 0, 8192));
        assertThat(reply()).isEqualTo(concat(simpleReply(0, 1),
                chunk(1, 1, 2, bytes().u64(1).u8(8).u8(9).array()),
                chunk(1, 5, 3, bytes().u32(1).u32(4096).u32(0).u32(4096).u32(3).array())));
        assertThat(exports.openDevices()).isEqualTo(1);
        send(request(0, 2, 4, 0, 0));
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(exports.openDevices()).isZero();
    }

    @Test
    void metaContextsForAnotherExportDoNotEnableBlockStatus() {
        negotiate(3);
        send(option(8, NOTHING), option(10, metaData("other", "base:allocation")), option(7, infoData("disk")));
        reply();
        send(request(0, 7, 1, 0, 4096));
        byte[] message = bytes().str("no metadata context was negotiated").array();
        assertThat(reply()).isEqualTo(chunk(1, 0x8001, 1,
                concat(bytes().u32(22).u16(message.length).array(), message)));
    }

    @Test
    void exportNameEntersTransmissionWithOrWithoutZeroes() {
        negotiate(3);
        send(option(1, bytes().str("disk").array()));
        assertThat(reply()).isEqualTo(bytes().u64(SIZE).u16(FLAGS).array());
        assertThat(channel.pipeline().get(NbdServerInitializer.TRANSMISSION_HANDLER)).isNotNull();
        channel.finishAndReleaseAll();

        negotiate(1);
        send(option(1, bytes().str("disk").array()));
        assertThat(reply()).isEqualTo(bytes().u64(SIZE).u16(FLAGS).zeroes(124).array());
    }

    @Test
    void exportNameForAnUnknownExportClosesTheConnection() {
        negotiate(3);
        send(option(1, bytes().str("nope").array()));
        assertThat(reply()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void abortIsAcknowledgedThenTheConnectionCloses() {
        negotiate(3);
        send(option(2, NOTHING));
        assertThat(reply()).isEqualTo(ack(2));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void badOptionMagicClosesTheConnection() {
        negotiate(3);
        try {
            send(bytes().u64(0x1234).u32(3).u32(0).array());
        } catch (RuntimeException expected) {
            // EmbeddedChannel rethrows; the handler has closed the channel
        }
        assertThat(channel.isOpen()).isFalse();
    }

    /**
     * A whole session in one byte stream: options, GO, requests pipelined right behind GO (they reach the
     * transmission decoder through the pipeline switch), and DISC. Replies must be byte-identical wherever the
     * input is cut.
     */
    @Test
    void aWholeSessionSplitAtEveryByteBoundary() {
        byte[] payload = Wire.pattern(10, 3);
        byte[] session = concat(
                bytes().u32(3).array(),
                option(8, NOTHING),
                option(10, metaData("disk", "base:allocation")),
                option(7, infoData("disk")),
                request(0, 1, 1, 100, payload.length), payload,
                request(0, 0, 2, 100, payload.length),
                request(8, 7, 3, 0, 1 << 20),
                request(1, 6, 4, 0, 4096),
                request(0, 3, 5, 0, 0),
                request(0, 2, 6, 0, 0));
        byte[] expected = concat(
                Wire.greeting(3),
                ack(8),
                optionReply(10, 4, concat(bytes().u32(1).array(), bytes().str("base:allocation").array())), ack(10),
                infoExport(7, STRUCTURED_FLAGS), blockSize(7), ack(7),
                simpleReply(0, 1),
                chunk(1, 1, 2, concat(bytes().u64(100).array(), payload)),
                chunk(1, 5, 3, bytes().u32(1).u32(4096).u32(0).array()),
                simpleReply(0, 4),
                simpleReply(0, 5));
        for (int split = 0; split <= session.length; split++) {
            setUp();
            channel = newChannel();
            Channels.writeSplit(channel, session, split);
            channel.runPendingTasks();
            assertThat(Channels.drainOutbound(channel)).as("split at %d", split).isEqualTo(expected);
            assertThat(channel.isOpen()).as("closed after DISC, split at %d", split).isFalse();
            assertThat(exports.openDevices()).isZero();
            channel.finishAndReleaseAll();
        }
    }
}
