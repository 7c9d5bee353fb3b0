package io.sheepdog.daemon.testing.fuzz;

import static io.sheepdog.daemon.testing.fuzz.Interesting.oneIn;

import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import io.sheepdog.nbd.testutil.Wire;
import io.sheepdog.store.ObjectId;
import io.sheepdog.store.ObjectLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile sheep protocol streams: 1 to 8 pipelined frames (rarely 64) of client and peer opcodes (0x80 and up) and
 * unknown ones, with edge values in every header field (payload length against the actual payload, epoch around the
 * cluster's, request ids 0 and reused, flags, version, magic, the reserved word) and arguments aimed at the scratch
 * VDIs' ids and object ids, with JSON or binary payloads ({@link SheepPayloads}); the stream is sometimes cut short
 * and sometimes damaged by the {@link Mutator}. The {@link SheepFrameGuard} draws a case again if it could reach the
 * known VDI or the whole cluster.
 *
 * <p>Generating is deterministic for a run started at the same first case: the growth budget is spent in case order.
 */
public final class SheepFrameCases implements FuzzLoop.Generator {
    private static final List<Opcode> PEER = Arrays.stream(Opcode.values())
            .filter(o -> o.kind() == Opcode.Kind.PEER).toList();
    private static final List<Opcode> DATA = Arrays.stream(Opcode.values())
            .filter(o -> o.kind() == Opcode.Kind.DATA).toList();
    private static final List<Opcode> CONTROL = Arrays.stream(Opcode.values())
            .filter(o -> o.kind() == Opcode.Kind.CONTROL && !SheepFrameGuard.CLUSTER_WIDE.contains(o)).toList();
    private static final int MAX_PAYLOAD = SheepProtocol.maxPayload(SheepProtocol.DEFAULT_MAX_FRAME_SIZE);

    private final List<Integer> scratchVids;
    private final long scratchSize;
    private final long epoch;
    private final SheepPayloads payloads;
    private final SheepFrameGuard guard;

    /**
     * @param scratchVids  ids of the scratch VDIs, whose objects the cases aim at
     * @param scratchNames their names, for JSON requests; the first is kept (never deleted, snapshotted or rolled
     *                     back, {@link SheepFrameGuard}) so that the data path always has a live target
     * @param scratchSize  their size
     * @param epoch        the cluster's epoch, which peer requests must carry to be served
     * @param knownVid     the known VDI's id, which no case may name
     * @param knownName    its name
     */
    public SheepFrameCases(List<Integer> scratchVids, List<String> scratchNames, long scratchSize, long epoch,
                           int knownVid, String knownName) {
        this.scratchVids = List.copyOf(scratchVids);
        this.scratchSize = scratchSize;
        this.epoch = epoch;
        this.payloads = new SheepPayloads(scratchNames);
        this.guard = new SheepFrameGuard(knownVid, knownName, scratchNames.get(0), 64);
    }

    @Override
    public FuzzCase generate(int index, SplittableRandom r) {
        while (true) {
            StringBuilder label = new StringBuilder();
            Wire w = Wire.bytes();
            int frames = oneIn(r, 20) ? 1 + r.nextInt(64) : r.nextBoolean() ? 1 : 2 + r.nextInt(7);
            long id = 1;
            for (int i = 0; i < frames; i++) {
                id = oneIn(r, 8) ? id : 1 + r.nextLong(Long.MAX_VALUE);
                w.raw(frame(r, id, label));
            }
            byte[] bytes = w.array();
            if (oneIn(r, 6)) {
                int cut = r.nextInt(bytes.length);
                label.append(" [cut at ").append(cut).append(']');
                bytes = Arrays.copyOf(bytes, cut);
            }
            if (oneIn(r, 5)) {
                bytes = Mutator.apply(bytes, r, 1 + r.nextInt(4), bytes.length + 4096, label.append(" |"));
            }
            if (guard.refuse(bytes).isEmpty()) {
                return new FuzzCase(index, label.toString().trim(), bytes, r.nextBoolean());
            }
        }
    }

    private byte[] frame(SplittableRandom r, long id, StringBuilder label) {
        Opcode op = opcode(r);
        SheepFrames.Header h = new SheepFrames.Header();
        h.opcode = op != null ? op.code() : r.nextInt(256);
        h.flags = flags(r);
        h.epoch = oneIn(r, 4) ? Interesting.around(r, epoch, 32) : epoch;
        h.requestId = oneIn(r, 40) ? SheepProtocol.NO_REQUEST_ID : id;
        args(op, h, r);
        byte[] payload = payloads.payload(op, r);
        h.payloadLength = oneIn(r, 10) ? Interesting.around(r, payload.length, 32) : payload.length;
        if (oneIn(r, 50)) {
            h.magic = (int) Interesting.around(r, SheepProtocol.MAGIC, 32);
        }
        if (oneIn(r, 50)) {
            h.version = (int) Interesting.edge(r, 8);
        }
        if (oneIn(r, 20)) {
            h.reserved = r.nextInt();
            h.result = r.nextInt();
        }
        label.append(op != null ? op.name() : "op0x" + Integer.toHexString(h.opcode));
        label.append(String.format("[f=%x e=%d len=%d/%d a=%x,%x,%x,%x] ", h.flags, h.epoch, h.payloadLength,
                payload.length, h.arg0, h.arg1, h.arg2, h.arg3));
        return h.write(payload);
    }

    /** An operation by kind (peer ones most, they are the least guarded), or null for a random opcode byte. */
    private static Opcode opcode(SplittableRandom r) {
        int k = r.nextInt(20);
        if (k == 0) {
            return null;
        }
        return Interesting.pick(r, k < 10 ? PEER : k < 15 ? DATA : CONTROL);
    }

    private static int flags(SplittableRandom r) {
        switch (r.nextInt(8)) {
            case 0:
                return (int) Interesting.edge(r, 16);
            case 1:
            case 2:
                return r.nextInt(0x10000) & SheepProtocol.REQUEST_FLAGS_MASK;
            case 3:
                return SheepProtocol.FLAG_CREATE | (r.nextBoolean() ? SheepProtocol.FLAG_EXCLUSIVE
                        : SheepProtocol.FLAG_FRESH);
            case 4:
                return SheepProtocol.FLAG_FUA;
            default:
                return 0;
        }
    }

    private void args(Opcode op, SheepFrames.Header h, SplittableRandom r) {
        int vid = oneIn(r, 10) ? (int) Interesting.edge(r, 24) : Interesting.pick(r, scratchVids);
        if (op != null && op.kind() == Opcode.Kind.PEER) {
            h.arg0 = oid(vid, r);
            h.arg1 = oneIn(r, 3) ? Interesting.around(r, ObjectLayout.OBJECT_SIZE, 64)
                    : Interesting.within(r, ObjectLayout.OBJECT_SIZE);
            h.arg2 = oneIn(r, 3) ? Interesting.around(r, ObjectLayout.OBJECT_SIZE, 64)
                    : Interesting.within(r, 64 << 10);
            h.arg3 = oneIn(r, 10) ? Interesting.edge(r, 64) : 0;
            return;
        }
        h.arg0 = oneIn(r, 10) ? Interesting.edge(r, 64) : vid;
        h.arg1 = oneIn(r, 3) ? Interesting.around(r, scratchSize, 64) : Interesting.within(r, scratchSize);
        h.arg2 = oneIn(r, 3) ? Interesting.around(r, MAX_PAYLOAD, 64) : Interesting.within(r, 1 << 20);
        h.arg3 = oneIn(r, 3) ? Interesting.around(r, SheepProtocol.MAX_COPIES_OPERAND, 64) : r.nextInt(4);
        if (op == Opcode.VDI_CREATE) {
            h.arg2 = Interesting.around(r, scratchSize, 64);
        }
    }

    /** A data object or the inode of {@code vid}, sometimes with kind bits or any value at all. */
    private long oid(int vid, SplittableRandom r) {
        int objects = (int) (scratchSize / ObjectLayout.OBJECT_SIZE);
        switch (r.nextInt(10)) {
            case 0:
                return Interesting.edge(r, 64);
            case 1:
                return ObjectId.inode(vid);
            case 2:
                return ObjectId.data(vid, 0) | (1L << (56 + r.nextInt(8)));
            case 3:
                return ObjectId.data(vid, Interesting.around(r, objects, 32));
            default:
                return ObjectId.data(vid, r.nextInt(objects));
        }
    }
}
