package io.sheepdog.nbd.server;

import static io.sheepdog.nbd.testutil.Wire.bytes;
import static io.sheepdog.nbd.testutil.Wire.concat;
import static io.sheepdog.nbd.testutil.Wire.infoData;
import static io.sheepdog.nbd.testutil.Wire.option;
import static io.sheepdog.nbd.testutil.Wire.optionReply;
import static io.sheepdog.nbd.testutil.Wire.request;
import static io.sheepdog.nbd.testutil.Wire.simpleReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sheepdog.nbd.BlockDevice;
import io.sheepdog.nbd.BlockDeviceException;
import io.sheepdog.nbd.ExportProvider;
import io.sheepdog.nbd.ForwardingBlockDevice;
import io.sheepdog.nbd.NbdError;
import io.sheepdog.nbd.memory.MemoryBlockDevice;
import io.sheepdog.nbd.memory.MemoryExportProvider;
import io.sheepdog.nbd.testutil.Channels;
import io.sheepdog.nbd.testutil.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * NBD_OPT_GO and NBD_OPT_EXPORT_NAME through an {@link ExportProvider#attach} that completes when the test says so:
 * nothing is answered before, the bytes the client sends meanwhile are handled after, in order, and a device that
 * arrives for a connection already closed is closed.
 */
class NbdHandshakeAttachTest {

    private static final long SIZE = 1 << 20;
    private static final byte[] NOTHING = new byte[0];
    /** HAS_FLAGS, SEND_FLUSH, SEND_FUA, SEND_TRIM, SEND_WRITE_ZEROES, CAN_MULTI_CONN, SEND_CACHE. */
    private static final int FLAGS = 1 | 4 | 8 | 32 | 64 | 256 | 1024;
    private static final long ERR_POLICY = 0x8000_0002L;
    private static final long ERR_UNKNOWN = 0x8000_0006L;
    private static final long ERR_SHUTDOWN = 0x8000_0007L;
    private static final String LOCKED = "export 'disk' is locked for writing by 10.0.0.7; retry when it detaches";

    private final MemoryExportProvider exports = new MemoryExportProvider()
            .add("disk", "the disk", new MemoryBlockDevice(SIZE, Runnable::run));
    private final HeldAttachProvider attaches = new HeldAttachProvider(exports);
    private EmbeddedChannel channel;

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    /** A channel past the greeting and the client flags (FIXED_NEWSTYLE, NO_ZEROES). */
    private void negotiate(ExportProvider provider) {
        NbdServerConfig config = NbdServerConfig.builder().maxPayload(1 << 16).build();
        channel = new EmbeddedChannel(new NbdServerInitializer(config, provider, null));
        assertThat(reply()).isEqualTo(Wire.greeting(3));
        send(bytes().u32(3).array());
    }

    private void send(byte[]... parts) {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(parts)));
    }

    private byte[] reply() {
        return Channels.drainOutbound(channel);
    }

    private static byte[] goReply() {
        return concat(optionReply(7, 3, bytes().u16(0).u64(SIZE).u16(FLAGS).array()),
                optionReply(7, 3, bytes().u16(3).u32(1).u32(4096).u32(1 << 16).array()),
                optionReply(7, 1, NOTHING));
    }

    private static byte[] listReply() {
        return concat(optionReply(3, 2, bytes().lstr("disk").str("the disk").array()), optionReply(3, 1, NOTHING));
    }

    private static byte[] errorReply(int option, long type, String message) {
        return optionReply(option, type, bytes().str(message).array());
    }

    @Test
    void goIsAnsweredWhenTheAttachCompletesAndRequestsSentMeanwhileAreServedAfter() {
        negotiate(attaches);
        byte[] payload = Wire.pattern(8, 1);
        send(option(7, infoData("disk", 3)), request(0, 1, 1, 0, 8), payload);
        send(request(0, 0, 2, 0, 8));
        assertThat(reply()).as("nothing is answered before the attach completes").isEmpty();
        assertThat(attaches.calls).singleElement().satisfies(a -> {
            assertThat(a.name()).isEqualTo("disk");
            assertThat(a.client().remote()).isEqualTo(channel.remoteAddress());
        });
        assertThat(channel.config().isAutoRead()).isFalse();

        attaches.open(0);
        assertThat(reply()).isEqualTo(concat(goReply(), simpleReply(0, 1), simpleReply(0, 2), payload));
        assertThat(channel.pipeline().get(NbdServerInitializer.TRANSMISSION_HANDLER)).isNotNull();
        assertThat(channel.config().isAutoRead()).isTrue();
        send(request(0, 0, 3, 0, 8));
        assertThat(reply()).isEqualTo(concat(simpleReply(0, 3), payload));
        assertThat(exports.openDevices()).isEqualTo(1);
        channel.close();
        assertThat(exports.openDevices()).as("transmission closes the attached device").isZero();
    }

    @Test
    void exportNameIsAnsweredWhenTheAttachCompletes() {
        negotiate(attaches);
        send(option(1, bytes().str("disk").array()));
        assertThat(reply()).isEmpty();
        attaches.open(0);
        assertThat(reply()).isEqualTo(bytes().u64(SIZE).u16(FLAGS).array());
        assertThat(channel.pipeline().get(NbdServerInitializer.TRANSMISSION_HANDLER)).isNotNull();
    }

    @Test
    void optionsSentWhileGoWaitsAreAnsweredAfterItInOrder() {
        negotiate(attaches);
        send(option(7, infoData("nope", 3)), option(3, NOTHING));
        send(option(8, NOTHING));
        assertThat(reply()).isEmpty();
        attaches.open(0);
        assertThat(reply()).isEqualTo(concat(errorReply(7, ERR_UNKNOWN, "unknown export 'nope'"), listReply(),
                optionReply(8, 1, NOTHING)));
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void goRefusedByPolicyCarriesTheProviderMessageAndNegotiationGoesOn() {
        negotiate(attaches);
        send(option(7, infoData("disk", 3)), option(3, NOTHING), option(7, infoData("disk", 3)), option(2, NOTHING));
        attaches.fail(0, new BlockDeviceException(NbdError.EPERM, LOCKED));
        assertThat(reply()).as("the second GO waits for its own attach")
                .isEqualTo(concat(errorReply(7, ERR_POLICY, LOCKED), listReply()));
        assertThat(attaches.calls).hasSize(2);
        assertThat(channel.isOpen()).isTrue();

        attaches.fail(1, new BlockDeviceException(NbdError.ESHUTDOWN, "the cluster is shutting down"));
        assertThat(reply()).isEqualTo(concat(
                errorReply(7, ERR_SHUTDOWN, "cannot open export: the cluster is shutting down"),
                optionReply(2, 1, NOTHING)));
        assertThat(channel.isOpen()).as("closed by ABORT").isFalse();
        assertThat(exports.openDevices()).isZero();
    }

    @Test
    void anUnexpectedAttachFailureIsAnUnknownError() {
        negotiate(attaches);
        send(option(7, infoData("disk", 3)));
        attaches.fail(0, new IllegalStateException("raft log unavailable"));
        assertThat(reply()).isEqualTo(errorReply(7, ERR_UNKNOWN,
                "cannot open export: java.lang.IllegalStateException: raft log unavailable"));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void exportNameRefusedByPolicyClosesTheConnection() {
        negotiate(attaches);
        send(option(1, bytes().str("disk").array()), option(3, NOTHING));
        attaches.fail(0, new BlockDeviceException(NbdError.EPERM, LOCKED));
        assertThat(reply()).as("EXPORT_NAME has no error reply, and nothing after it is answered").isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aDeviceAttachedAfterTheClientLeftIsClosed() {
        negotiate(attaches);
        send(option(7, infoData("disk", 3)), option(3, NOTHING));
        channel.close();
        attaches.open(0);
        assertThat(exports.openDevices()).isEqualTo(1);
        channel.runPendingTasks();
        assertThat(exports.openDevices()).as("the late device is closed, releasing what it holds").isZero();
        assertThat(reply()).isEmpty();
    }

    @Test
    void aDeviceThatFailsWhileTheHandshakeSwitchesIsClosed() {
        BlockDevice broken = new ForwardingBlockDevice(new MemoryBlockDevice(SIZE, Runnable::run)) {
            @Override
            public boolean readOnly() {
                throw new IllegalStateException("inode gone");
            }
        };
        MemoryExportProvider brokenExports = new MemoryExportProvider().add("disk", "", broken);
        HeldAttachProvider held = new HeldAttachProvider(brokenExports);
        negotiate(held);
        send(option(7, infoData("disk", 3)));
        held.open(0);
        assertThat(reply()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(brokenExports.openDevices()).as("no transmission handler took it, so the handshake closed it")
                .isZero();
    }
}
