package io.sheepdog.daemon.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.nbd.testutil.Wire;
import io.sheepdog.store.ObjectId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SheepFrameGuardTest {
    private static final int KNOWN_VID = 0x123456;
    private static final int SCRATCH_VID = 0x654321;

    private static byte[] frame(Opcode op, int flags, long arg0, byte[] payload) {
        SheepFrames.Header h = new SheepFrames.Header();
        h.opcode = op.code();
        h.flags = flags;
        h.requestId = 9;
        h.arg0 = arg0;
        h.payloadLength = payload.length;
        return h.write(payload);
    }

    private static SheepFrameGuard guard() {
        return new SheepFrameGuard(KNOWN_VID, "known", "kept", 1);
    }

    @Test
    void aPeerWriteToAnObjectOfTheKnownVdiIsRefusedEvenBehindAnotherFrame() {
        byte[] write = frame(Opcode.PEER_WRITE_OBJ, SheepProtocol.FLAG_CREATE, ObjectId.data(KNOWN_VID, 3),
                new byte[16]);
        byte[] scratch = frame(Opcode.PEER_READ_OBJ, 0, ObjectId.data(SCRATCH_VID, 3), new byte[0]);
        assertThat(guard().refuse(write)).isPresent();
        assertThat(guard().refuse(Wire.concat(scratch, write))).isPresent();
        assertThat(guard().refuse(scratch)).isEmpty();
    }

    @Test
    void aFrameTheServerNeverDispatchesIsNoDanger() {
        byte[] write = frame(Opcode.PEER_WRITE_OBJ, 0, ObjectId.data(KNOWN_VID, 3), new byte[16]);
        // Unknown flags: refused by the decoder. Cut short: its payload never arrives.
        assertThat(guard().refuse(frame(Opcode.PEER_WRITE_OBJ, 0x4000, ObjectId.data(KNOWN_VID, 3), new byte[16])))
                .isEmpty();
        assertThat(guard().refuse(java.util.Arrays.copyOf(write, write.length - 1))).isEmpty();
        // Swallowed as the payload of a frame declaring more than it carries: the walk sees what the server sees.
        byte[] greedy = frame(Opcode.VDI_WRITE, 0, SCRATCH_VID, new byte[0]);
        java.nio.ByteBuffer.wrap(greedy).putInt(SheepProtocol.OFFSET_PAYLOAD_LENGTH, write.length);
        assertThat(guard().refuse(Wire.concat(greedy, write))).isEmpty();
    }

    @Test
    void clusterWideOperationsTheKnownNameAndSpentGrowthAreRefused() {
        assertThat(guard().refuse(frame(Opcode.CLUSTER_SHUTDOWN, 0, 0, new byte[0]))).isPresent();
        assertThat(guard().refuse(frame(Opcode.VDI_DELETE, 0, 0, "\"known\"".getBytes(StandardCharsets.UTF_8))))
                .isPresent();
        SheepFrameGuard g = guard();
        byte[] create = frame(Opcode.VDI_CREATE, 0, 0, "\"other\"".getBytes(StandardCharsets.UTF_8));
        assertThat(g.refuse(create)).isEmpty();
        assertThat(g.refuse(create)).contains("the growth budget is spent");
        assertThat(guard().refuse(frame(Opcode.VDI_DELETE, 0, 0, "\"kept\"".getBytes(StandardCharsets.UTF_8))))
                .isPresent();
        assertThat(guard().refuse(frame(Opcode.VDI_DELETE, 0, 0, "\"other\"".getBytes(StandardCharsets.UTF_8))))
                .isEmpty();
    }

    @Test
    void generatedCasesNeverReachTheKnownVdiAndDoReachTheScratchOnes() {
        SheepFrameCases cases = new SheepFrameCases(List.of(SCRATCH_VID), List.of("scratch"), 64L << 20, 1,
                KNOWN_VID, "known");
        int peerFramesToScratch = 0;
        for (int i = 0; i < 3000; i++) {
            FuzzCase c = cases.generate(i, new SplittableRandom(i));
            for (SheepFrames.Dispatched f : SheepFrames.dispatched(c.bytes())) {
                assertThat(ObjectId.vid(f.arg0())).as(c.describe()).isNotEqualTo(KNOWN_VID);
                if (f.opcode().kind() == Opcode.Kind.PEER && ObjectId.vid(f.arg0()) == SCRATCH_VID) {
                    peerFramesToScratch++;
                }
            }
        }
        assertThat(peerFramesToScratch).as("peer frames that reach the scratch VDI's objects").isGreaterThan(500);
    }
}
