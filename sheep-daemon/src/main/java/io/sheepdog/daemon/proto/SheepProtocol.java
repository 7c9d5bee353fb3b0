package io.sheepdog.daemon.proto;

/**
 * Every constant of the sheep wire protocol, in one place.
 *
 * <p>A frame is a fixed {@value #HEADER_SIZE}-byte header, big-endian, followed by {@code payloadLength} bytes:
 * <pre>
 * offset size field
 *      0    4 magic           {@link #MAGIC} ("SDOG")
 *      4    1 version         {@link #VERSION}
 *      5    1 opcode          {@link Opcode#code()}
 *      6    2 flags           FLAG_* below
 *      8    4 result          {@link io.sheepdog.daemon.api.ResultCode#code()} in responses, 0 in requests
 *     12    4 epoch           the sender's cluster epoch (u32), 0 if it has none
 *     16    8 request id      chosen by the requester, echoed in the response; never 0
 *     24    4 payload length  u32, at most the frame cap minus the header
 *     28    4 reserved        0
 *     32    8 arg0            oid or vid
 *     40    8 arg1            offset
 *     48    8 arg2            length or size
 *     56    8 arg3            copies (at most {@link #MAX_COPIES_OPERAND}) or another small operand
 * </pre>
 * The first {@value #STABLE_PREFIX_SIZE} bytes (magic through request id) keep their meaning in every version, so a
 * peer speaking another version is still answered with {@code VER_MISMATCH} and its own request id. What each op puts
 * in the argument fields and the payload is documented on {@link Opcode}.
 */
public final class SheepProtocol {

    /** "SDOG": the first four bytes of every frame. */
    public static final int MAGIC = 0x53444f47;

    /** The protocol version this code speaks. A peer with another version is answered VER_MISMATCH. */
    public static final int VERSION = 1;

    /** Size of the fixed header. */
    public static final int HEADER_SIZE = 64;

    /** Bytes at the start of the header whose layout never changes between versions. */
    public static final int STABLE_PREFIX_SIZE = 24;

    /** Default cap on header plus payload: a full 4 MiB object with ample room, far below memory limits. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024 * 1024;

    /** The TCP port sheep listens on unless told otherwise (Sheepdog's SD_LISTEN_PORT). */
    public static final int DEFAULT_PORT = 7000;

    /** Request ids start at 1; 0 marks "no request" in a {@link SheepDecodeFailure}. */
    public static final long NO_REQUEST_ID = 0;

    // Field offsets inside the header.
    public static final int OFFSET_MAGIC = 0;
    public static final int OFFSET_VERSION = 4;
    public static final int OFFSET_OPCODE = 5;
    public static final int OFFSET_FLAGS = 6;
    public static final int OFFSET_RESULT = 8;
    public static final int OFFSET_EPOCH = 12;
    public static final int OFFSET_REQUEST_ID = 16;
    public static final int OFFSET_PAYLOAD_LENGTH = 24;
    public static final int OFFSET_RESERVED = 28;
    public static final int OFFSET_ARG0 = 32;
    public static final int OFFSET_ARG1 = 40;
    public static final int OFFSET_ARG2 = 48;
    public static final int OFFSET_ARG3 = 56;

    /**
     * Largest copies value arg3 may carry (CLUSTER_FORMAT, VDI_CREATE): one byte, as Sheepdog's request header and
     * our inode header hold copies. A larger value is a malformed request, refused while decoding. This is the width
     * of the field, not the policy: which redundancy a cluster accepts ({@code membership.meta.Redundancy}, at most
     * 31 copies) is checked by the services, so a request for 32 copies gets the policy's own message.
     */
    public static final int MAX_COPIES_OPERAND = 0xff;

    /** Set on every response frame, clear on every request frame. */
    public static final int FLAG_RESPONSE = 0x8000;
    /** VDI_WRITE, VDI_ZERO, PEER_WRITE_OBJ, PEER_ZERO_OBJ: make the data durable before answering (NBD's FUA). */
    public static final int FLAG_FUA = 0x0001;
    /** CLUSTER_FORMAT: refuse writes while fewer zones than copies are up. */
    public static final int FLAG_STRICT = 0x0002;
    /** CLUSTER_FORMAT: format even if the cluster is formatted already. */
    public static final int FLAG_FORCE = 0x0004;
    /** PEER_WRITE_OBJ: the write may create the replica ({@link WriteMode}). */
    public static final int FLAG_CREATE = 0x0008;
    /** VDI_ZERO, PEER_ZERO_OBJ: deallocate the range instead of writing zeroes. */
    public static final int FLAG_DISCARD = 0x0010;
    /** PEER_WRITE_OBJ with FLAG_CREATE: write only if the replica is missing ({@link WriteMode#CREATE_ONLY}). */
    public static final int FLAG_EXCLUSIVE = 0x0020;
    /** PEER_WRITE_OBJ with FLAG_CREATE: drop what the replica held first ({@link WriteMode#FRESH}). */
    public static final int FLAG_FRESH = 0x0040;
    /** Flags a request may carry; anything else is refused as INVALID_PARAMS. */
    public static final int REQUEST_FLAGS_MASK = FLAG_FUA | FLAG_STRICT | FLAG_FORCE | FLAG_CREATE | FLAG_DISCARD
            | FLAG_EXCLUSIVE | FLAG_FRESH;

    // Opcode ranges, so that the operations added next land in a block reserved for their kind.
    // 0x01-0x0f: upstream Sheepdog's gateway object operations; unused here (see Opcode).
    /** VDI administration: 0x10-0x1f. */
    public static final int OPCODE_RANGE_VDI_ADMIN = 0x10;
    /** VDI I/O: 0x20-0x2f. */
    public static final int OPCODE_RANGE_VDI_IO = 0x20;
    /** Cluster and node administration: 0x30-0x3f. */
    public static final int OPCODE_RANGE_CLUSTER = 0x30;
    /** VDI administration, once its first block was full: 0x40-0x4f. */
    public static final int OPCODE_RANGE_VDI_ADMIN_MORE = 0x40;
    /** Sheep-to-sheep object operations on one replica (PEER_READ_OBJ, ...): 0x80-0x8f. */
    public static final int OPCODE_RANGE_PEER = 0x80;

    private SheepProtocol() {
    }

    /** The largest payload a frame of at most {@code maxFrameSize} bytes can carry. */
    public static int maxPayload(int maxFrameSize) {
        return maxFrameSize - HEADER_SIZE;
    }
}
