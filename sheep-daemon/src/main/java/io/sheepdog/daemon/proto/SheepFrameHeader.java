package io.sheepdog.daemon.proto;

import io.netty.buffer.ByteBuf;

/**
 * The fixed header of a frame, as read from the wire, before it is typed as a request or a response. Unsigned wire
 * fields are widened so that no value is misread as negative.
 *
 * @param version       protocol version (u8)
 * @param opcode        opcode byte (u8)
 * @param flags         flags (u16)
 * @param result        result code (u32; 0 in requests)
 * @param epoch         sender's epoch (u32)
 * @param requestId     request id (u64)
 * @param payloadLength payload length (u32)
 * @param arg0          argument 0 (u64)
 * @param arg1          argument 1 (u64)
 * @param arg2          argument 2 (u64)
 * @param arg3          argument 3 (u64)
 */
public record SheepFrameHeader(int version, int opcode, int flags, long result, long epoch, long requestId,
                               long payloadLength, long arg0, long arg1, long arg2, long arg3) {

    /** Reads one header, advancing the reader index by {@link SheepProtocol#HEADER_SIZE}. */
    static SheepFrameHeader read(ByteBuf in) {
        int start = in.readerIndex();
        SheepFrameHeader h = new SheepFrameHeader(
                in.getUnsignedByte(start + SheepProtocol.OFFSET_VERSION),
                in.getUnsignedByte(start + SheepProtocol.OFFSET_OPCODE),
                in.getUnsignedShort(start + SheepProtocol.OFFSET_FLAGS),
                in.getUnsignedInt(start + SheepProtocol.OFFSET_RESULT),
                in.getUnsignedInt(start + SheepProtocol.OFFSET_EPOCH),
                in.getLong(start + SheepProtocol.OFFSET_REQUEST_ID),
                in.getUnsignedInt(start + SheepProtocol.OFFSET_PAYLOAD_LENGTH),
                in.getLong(start + SheepProtocol.OFFSET_ARG0),
                in.getLong(start + SheepProtocol.OFFSET_ARG1),
                in.getLong(start + SheepProtocol.OFFSET_ARG2),
                in.getLong(start + SheepProtocol.OFFSET_ARG3));
        in.skipBytes(SheepProtocol.HEADER_SIZE);
        return h;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }
}
