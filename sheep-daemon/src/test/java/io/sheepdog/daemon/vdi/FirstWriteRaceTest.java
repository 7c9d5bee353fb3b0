package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sheepdog.daemon.proto.WriteMode;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateways racing on the first write to one object, in the interleaving that loses a write if creating an
 * object replaced what another gateway had created meanwhile: gateway B decides to create (or to copy up from the
 * parent), is held back, gateway A creates the object and writes into it, then B goes on. Both writes must land in
 * one object.
 */
class FirstWriteRaceTest {
    private static final int OBJ = ObjectLayout.OBJECT_SIZE;
    private static final long SIZE = 2L * OBJ;
    private VdiFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new VdiFixture(true);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void racingFirstWritesToAnUnallocatedObjectBothLand() throws Exception {
        fx.service.create("fresh", SIZE, 0);
        int vid = fx.service.lookup("fresh").vid();
        race("fresh", ObjectId.data(vid, 1), WriteMode.CREATE, new byte[OBJ]);
    }

    @Test
    void racingCopiesOfOneSharedObjectMakeOneCopyWithBothWrites() throws Exception {
        fx.service.create("base", SIZE, 0);
        byte[] parent = new byte[OBJ];
        new java.util.Random(5).nextBytes(parent);
        write(fx.service, "base", OBJ, parent);
        fx.service.snapshot("base", "before");
        int child = fx.service.lookup("base").vid();
        race("base", ObjectId.data(child, 1), WriteMode.CREATE_ONLY, parent);
    }

    /**
     * B's first write at offset 8 KiB of object 1 is held back at its {@code held} write of {@code target}; A writes
     * 4 KiB at the object's start meanwhile; then B goes on. Object 1 must read A's bytes, B's bytes and
     * {@code before} elsewhere, through both gateways.
     */
    private void race(String name, long target, WriteMode held, byte[] before) throws Exception {
        HeldBackGateway[] wrapped = new HeldBackGateway[1];
        VdiService b = fx.otherGateway(g -> wrapped[0] = new HeldBackGateway(g, target, held));
        Inode bInode = b.workingInode(name).get(10, TimeUnit.SECONDS);
        Inode aInode = fx.service.workingInode(name).get(10, TimeUnit.SECONDS);

        byte[] bBytes = filled(4096, 0x0b);
        ByteBuf bBuf = Unpooled.wrappedBuffer(bBytes);
        CompletableFuture<Void> bWrite = b.io().write(bInode, OBJ + 8192L, bBuf, false);
        wrapped[0].reached().get(10, TimeUnit.SECONDS);

        byte[] aBytes = filled(4096, 0x0a);
        ByteBuf aBuf = Unpooled.wrappedBuffer(aBytes);
        fx.service.io().write(aInode, OBJ, aBuf, false).get(10, TimeUnit.SECONDS);
        assertThat(bWrite).as("B still held back").isNotDone();

        wrapped[0].release();
        bWrite.get(10, TimeUnit.SECONDS);
        aBuf.release();
        bBuf.release();

        byte[] expected = before.clone();
        System.arraycopy(aBytes, 0, expected, 0, aBytes.length);
        System.arraycopy(bBytes, 0, expected, 8192, bBytes.length);
        assertThat(Arrays.mismatch(read(fx.service.io(), aInode), expected))
                .as("first wrong byte of object 1 through gateway A (-1: none)").isEqualTo(-1);
        assertThat(Arrays.mismatch(read(b.io(), bInode), expected))
                .as("first wrong byte of object 1 through gateway B (-1: none)").isEqualTo(-1);
        assertThat(aInode.dataVid(1)).isEqualTo(aInode.vid());
        assertThat(bInode.dataVid(1)).isEqualTo(aInode.vid());
    }

    private static byte[] read(VdiIo io, Inode inode) throws Exception {
        ByteBuf got = io.read(inode, OBJ, OBJ).get(10, TimeUnit.SECONDS);
        try {
            byte[] out = new byte[OBJ];
            got.getBytes(0, out);
            return out;
        } finally {
            got.release();
        }
    }

    private static void write(VdiService service, String name, long offset, byte[] data) throws Exception {
        Inode inode = service.workingInode(name).get(10, TimeUnit.SECONDS);
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        try {
            service.io().write(inode, offset, buf, false).get(10, TimeUnit.SECONDS);
        } finally {
            buf.release();
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
