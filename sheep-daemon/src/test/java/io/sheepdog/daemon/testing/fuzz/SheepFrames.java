package io.sheepdog.daemon.testing.fuzz;

import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Sheep protocol frames as bytes, every field settable (layout and offsets from {@link SheepProtocol}), and the walk
 * a server's decoder makes over them ({@link #dispatched}), which tells which frames of a damaged byte stream
 * reach the daemon's logic.
 */
final class SheepFrames {
    /** One frame's header fields, as they go on the wire (no checks: fuzzers set what they like). */
    static final class Header {
        int magic = SheepProtocol.MAGIC;
        int version = SheepProtocol.VERSION;
        int opcode;
        int flags;
        int result;
        long epoch;
        long requestId;
        long payloadLength;
        int reserved;
        long arg0;
        long arg1;
        long arg2;
        long arg3;

        byte[] write(byte[] payload) {
            ByteBuffer b = ByteBuffer.allocate(SheepProtocol.HEADER_SIZE + payload.length);
            b.putInt(SheepProtocol.OFFSET_MAGIC, magic);
            b.put(SheepProtocol.OFFSET_VERSION, (byte) version);
            b.put(SheepProtocol.OFFSET_OPCODE, (byte) opcode);
            b.putShort(SheepProtocol.OFFSET_FLAGS, (short) flags);
            b.putInt(SheepProtocol.OFFSET_RESULT, result);
            b.putInt(SheepProtocol.OFFSET_EPOCH, (int) epoch);
            b.putLong(SheepProtocol.OFFSET_REQUEST_ID, requestId);
            b.putInt(SheepProtocol.OFFSET_PAYLOAD_LENGTH, (int) payloadLength);
            b.putInt(SheepProtocol.OFFSET_RESERVED, reserved);
            b.putLong(SheepProtocol.OFFSET_ARG0, arg0);
            b.putLong(SheepProtocol.OFFSET_ARG1, arg1);
            b.putLong(SheepProtocol.OFFSET_ARG2, arg2);
            b.putLong(SheepProtocol.OFFSET_ARG3, arg3);
            b.put(SheepProtocol.HEADER_SIZE, payload);
            return b.array();
        }
    }

    /**
     * A frame the server would hand to its logic.
     *
     * @param opcode        the operation
     * @param arg0          its first argument (oid or vid)
     * @param arg1          its second argument (offset, or a flag such as VDI_FREEZE's)
     * @param payloadOffset where its payload starts in the walked bytes
     * @param payloadLength how long it is
     */
    record Dispatched(Opcode opcode, long arg0, long arg1, int payloadOffset, int payloadLength) {
    }

    private SheepFrames() {
    }

    /**
     * The frames of {@code bytes}, sent on a fresh connection, that a sheep server would dispatch: the walk of
     * {@code SheepFrameDecoder} and {@code SheepRequestDecoder}, except that a payload of any u32 length counts (a
     * server with a larger frame cap than the default would take it), so the answer errs on the side of "reaches the
     * logic". Refused frames (unknown opcode or flags, the response flag) are skipped as the server skips them; the
     * walk stops where the server would stop decoding.
     */
    static List<Dispatched> dispatched(byte[] bytes) {
        List<Dispatched> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int at = 0;
        while (bytes.length - at >= SheepProtocol.HEADER_SIZE) {
            if (b.getInt(at + SheepProtocol.OFFSET_MAGIC) != SheepProtocol.MAGIC
                    || (b.get(at + SheepProtocol.OFFSET_VERSION) & 0xff) != SheepProtocol.VERSION
                    || b.getLong(at + SheepProtocol.OFFSET_REQUEST_ID) == SheepProtocol.NO_REQUEST_ID) {
                break;
            }
            long length = Integer.toUnsignedLong(b.getInt(at + SheepProtocol.OFFSET_PAYLOAD_LENGTH));
            int payloadAt = at + SheepProtocol.HEADER_SIZE;
            if (length > bytes.length - payloadAt) {
                break; // the server waits for the rest of the payload, which never comes
            }
            int opcode = b.get(at + SheepProtocol.OFFSET_OPCODE) & 0xff;
            int flags = b.getShort(at + SheepProtocol.OFFSET_FLAGS) & 0xffff;
            if (Opcode.isKnown(opcode) && (flags & ~SheepProtocol.REQUEST_FLAGS_MASK) == 0) {
                out.add(new Dispatched(Opcode.valueOf(opcode), b.getLong(at + SheepProtocol.OFFSET_ARG0),
                        b.getLong(at + SheepProtocol.OFFSET_ARG1), payloadAt, (int) length));
            }
            at = payloadAt + (int) length;
        }
        return out;
    }
}
