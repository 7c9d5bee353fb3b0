package io.sheepdog.daemon.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.peer.LocalPeerOps;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.PeerWire;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.daemon.proto.SheepRequest;
import io.sheepdog.daemon.proto.SheepResponse;
import io.sheepdog.daemon.proto.SheepTransport;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.daemon.server.SheepServer;
import io.sheepdog.daemon.server.SheepServerConfig;
import io.sheepdog.daemon.testing.FakeSheep;
import io.sheepdog.daemon.testing.NettyLeakCheck;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.store.ObjectInfo;
import io.sheepdog.store.ObjectLayout;
import io.sheepdog.store.ObjectVersion;
import io.sheepdog.store.memory.MemoryObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The peer opcodes over a real connection: PeerClient against a SheepServer serving LocalPeerOps. */
@ExtendWith(NettyLeakCheck.class)
class PeerClientTest {

    private static final long OID = 0x0000_0042_0000_0007L;
    private static final SheepClientConfig CONFIG = SheepClientConfig.of(Duration.ofSeconds(10));

    private final MemoryObjectStore store = new MemoryObjectStore();
    private final AtomicLong epoch = new AtomicLong(4);
    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final EventLoopGroup group = SheepTransport.newEventLoopGroup(1, "peer-client-test", true);
    private SheepServer server;
    private PeerConnections connections;
    private PeerClient peer;

    @BeforeEach
    void start() throws Exception {
        FakeSheep fake = new FakeSheep();
        server = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), fake, fake,
                new LocalPeerOps(store, io, epoch::get));
        int port = server.start();
        connections = new PeerConnections(group, CONFIG);
        peer = connections.get("127.0.0.1", port).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        connections.close();
        server.close();
        io.shutdownNow();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void everyOperationRoundTrips() throws Exception {
        byte[] data = new byte[3 * ObjectLayout.BLOCK_SIZE];
        Arrays.fill(data, (byte) 0x3c);
        ByteBuffer src = ByteBuffer.wrap(data, 0, data.length);
        peer.write(4, OID, ObjectLayout.BLOCK_SIZE, src, WriteMode.FRESH, true).get(10, TimeUnit.SECONDS);
        assertThat(src.position()).as("PeerOps leaves positions alone").isZero();
        assertThat(peer.stat(4, OID).get(10, TimeUnit.SECONDS))
                .contains(new ObjectInfo(OID, new ObjectVersion(4, 1), data.length));
        assertThat(peer.stat(4, OID + 1).get(10, TimeUnit.SECONDS)).isEmpty();

        ByteBuffer dst = ByteBuffer.allocate(2 * ObjectLayout.BLOCK_SIZE);
        peer.read(4, OID, 0, dst).get(10, TimeUnit.SECONDS);
        assertThat(dst.position()).isZero();
        byte[] expected = new byte[2 * ObjectLayout.BLOCK_SIZE];
        Arrays.fill(expected, ObjectLayout.BLOCK_SIZE, expected.length, (byte) 0x3c);
        assertThat(dst.array()).isEqualTo(expected);

        peer.zero(4, OID, 2 * ObjectLayout.BLOCK_SIZE, ObjectLayout.BLOCK_SIZE, true, false).get(10, TimeUnit.SECONDS);
        BitSet bits = peer.allocation(4, OID).get(10, TimeUnit.SECONDS);
        BitSet want = new BitSet();
        want.set(1);
        want.set(3);
        assertThat(bits).isEqualTo(want);

        int flushes = store.flushCount();
        peer.flush(4).get(10, TimeUnit.SECONDS);
        assertThat(store.flushCount()).isEqualTo(flushes + 1);

        peer.remove(4, OID).get(10, TimeUnit.SECONDS);
        assertThat(store.stat(OID)).isEmpty();
    }

    @Test
    void aWholeObjectTravelsIntact() throws Exception {
        byte[] data = new byte[ObjectLayout.OBJECT_SIZE];
        new Random(42).nextBytes(data);
        peer.write(4, OID, 0, ByteBuffer.wrap(data), WriteMode.FRESH, false).get(10, TimeUnit.SECONDS);
        ByteBuffer dst = ByteBuffer.allocateDirect(ObjectLayout.OBJECT_SIZE);
        peer.read(4, OID, 0, dst).get(10, TimeUnit.SECONDS);
        byte[] got = new byte[data.length];
        dst.get(got);
        assertThat(got).isEqualTo(data);
    }

    @Test
    void anotherEpochIsRefusedAndNothingApplied() throws Exception {
        assertThat(code(peer.write(3, OID, 0, ByteBuffer.allocate(10), WriteMode.FRESH, false)))
                .isEqualTo(ResultCode.OLD_NODE_VER);
        assertThat(code(peer.write(5, OID, 0, ByteBuffer.allocate(10), WriteMode.FRESH, false)))
                .isEqualTo(ResultCode.NEW_NODE_VER);
        assertThat(code(peer.read(5, OID, 0, ByteBuffer.allocate(10)))).isEqualTo(ResultCode.NEW_NODE_VER);
        assertThat(code(peer.flush(3))).isEqualTo(ResultCode.OLD_NODE_VER);
        assertThat(store.stat(OID)).isEmpty();
        assertThat(store.flushCount()).isZero();
    }

    @Test
    void rangesOutsideTheObjectAreInvalid() throws Exception {
        assertThat(code(peer.read(4, OID, ObjectLayout.OBJECT_SIZE - 1, ByteBuffer.allocate(2))))
                .isEqualTo(ResultCode.INVALID_PARAMS);
        assertThat(code(peer.zero(4, OID, -1, 1, false, false))).isEqualTo(ResultCode.INVALID_PARAMS);
        // A hand-made frame with a length beyond the object.
        SheepResponse r = peer.connection().call(new SheepRequest(Opcode.PEER_READ_OBJ, 0, 4, 0, OID, 0,
                ObjectLayout.OBJECT_SIZE + 1L, 0, Unpooled.EMPTY_BUFFER)).get(10, TimeUnit.SECONDS);
        try {
            assertThat(r.result()).isEqualTo(ResultCode.INVALID_PARAMS);
        } finally {
            r.release();
        }
    }

    @Test
    void aServerWithoutPeerOpsAnswersNotSupported() throws Exception {
        FakeSheep fake = new FakeSheep();
        try (SheepServer plain = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), fake, fake)) {
            int port = plain.start();
            PeerClient other = connections.get("127.0.0.1", port).get(10, TimeUnit.SECONDS);
            assertThat(code(other.flush(4))).isEqualTo(ResultCode.NOT_SUPPORTED);
        }
    }

    @Test
    void connectionsToNodesThatLeftAreClosedAndTheOthersKept() throws Exception {
        FakeSheep fake = new FakeSheep();
        try (SheepServer other = new SheepServer(SheepServerConfig.of("127.0.0.1", 0), fake, fake,
                new LocalPeerOps(new MemoryObjectStore(), io, epoch::get))) {
            int otherPort = other.start();
            PeerClient gone = connections.get("127.0.0.1", otherPort).get(10, TimeUnit.SECONDS);
            assertThat(connections.size()).isEqualTo(2);

            connections.retainOnly(List.of(new NodeAddress(new NodeId(1), "127.0.0.1", server.port(), 0, 0, 1)));

            assertThat(connections.size()).isEqualTo(1);
            // The connection was open, so retainOnly closed it before returning.
            assertThat(gone.connection().isOpen()).isFalse();
            assertThat(peer.connection().isOpen()).isTrue();
            assertThat(connections.get("127.0.0.1", server.port()).get(10, TimeUnit.SECONDS)).isSameAs(peer);
        }
    }

    @Test
    void aBrokenConnectionIsReplacedOnTheNextRequest() throws Exception {
        int port = server.port();
        peer.connection().close();
        PeerClient again = connections.get("127.0.0.1", port).get(10, TimeUnit.SECONDS);
        assertThat(again).isNotSameAs(peer);
        assertThat(connections.get("127.0.0.1", port).get(10, TimeUnit.SECONDS)).isSameAs(again);
        again.flush(4).get(10, TimeUnit.SECONDS);
        assertThat(connections.size()).isEqualTo(1);
    }

    @Test
    void allocationBitmapCodecIsFixedSize() throws Exception {
        BitSet bits = new BitSet();
        bits.set(0);
        bits.set(9);
        bits.set(ObjectLayout.BLOCKS_PER_OBJECT - 1);
        ByteBuf buf = PeerWire.encodeAllocation(bits, ByteBufAllocator.DEFAULT);
        try {
            assertThat(buf.readableBytes()).isEqualTo(PeerWire.ALLOCATION_BITMAP_BYTES).isEqualTo(128);
            assertThat(buf.getByte(0)).isEqualTo((byte) 0x01);
            assertThat(buf.getByte(1)).isEqualTo((byte) 0x02);
            assertThat(buf.getByte(127)).isEqualTo((byte) 0x80);
            assertThat(PeerWire.decodeAllocation(buf)).isEqualTo(bits);
        } finally {
            buf.release();
        }
        assertThat(SheepProtocol.REQUEST_FLAGS_MASK & SheepProtocol.FLAG_CREATE).isNotZero();
    }

    private static ResultCode code(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SheepException se) {
                return se.result();
            }
            throw e;
        }
        return fail("expected a failure");
    }
}
