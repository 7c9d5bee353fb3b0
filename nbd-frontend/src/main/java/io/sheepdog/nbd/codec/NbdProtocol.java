package io.sheepdog.nbd.codec;

/**
 * Magic numbers and fixed sizes of the NBD protocol (NetworkBlockDevice/nbd {@code doc/proto.md}, sections
 * "Newstyle negotiation", "Fixed newstyle negotiation", "Request message", "Simple reply message" and
 * "Structured reply chunk message").
 */
public final class NbdProtocol {

    /** {@code NBDMAGIC}, the first 8 bytes the server sends. */
    public static final long NBD_MAGIC = 0x4e42444d41474943L;
    /** {@code IHAVEOPT}: second word of the newstyle greeting and the magic of every option request. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** Magic of every fixed newstyle option reply. */
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    /** {@code NBD_REQUEST_MAGIC}. */
    public static final int REQUEST_MAGIC = 0x25609513;
    /** {@code NBD_SIMPLE_REPLY_MAGIC}. */
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    /** {@code NBD_STRUCTURED_REPLY_MAGIC}. */
    public static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    /** Greeting: NBDMAGIC, IHAVEOPT, 16-bit handshake flags. */
    public static final int GREETING_LENGTH = 8 + 8 + 2;
    /** Option request header: IHAVEOPT, 32-bit option, 32-bit data length. */
    public static final int OPTION_HEADER_LENGTH = 8 + 4 + 4;
    /** Option reply header: magic, option, reply type, data length. */
    public static final int OPTION_REPLY_HEADER_LENGTH = 8 + 4 + 4 + 4;
    /** Reserved zeroes after the NBD_OPT_EXPORT_NAME reply unless NBD_FLAG_C_NO_ZEROES was negotiated. */
    public static final int EXPORT_NAME_REPLY_ZEROES = 124;
    /** Request header: magic, flags, type, cookie, offset, length. */
    public static final int REQUEST_HEADER_LENGTH = 4 + 2 + 2 + 8 + 8 + 4;
    /** Simple reply: magic, error, cookie. */
    public static final int SIMPLE_REPLY_LENGTH = 4 + 4 + 8;
    /** Structured reply chunk header: magic, flags, type, cookie, payload length. */
    public static final int STRUCTURED_REPLY_HEADER_LENGTH = 4 + 2 + 2 + 8 + 4;

    /** {@code NBD_REPLY_FLAG_DONE}: the last chunk of a structured reply. */
    public static final int REPLY_FLAG_DONE = 1;

    /** Longest string (export name, query, message) the protocol allows, in bytes. */
    public static final int MAX_STRING_LENGTH = 4096;
    /**
     * Largest option data we buffer. Every option we understand fits easily; a client sending more is treated as a
     * denial of service, which the spec allows to end with a hard disconnect.
     */
    public static final int MAX_OPTION_DATA_LENGTH = 64 * 1024;
    /** The spec's default maximum payload (2^25), also the payload every client may assume. */
    public static final int DEFAULT_MAX_PAYLOAD = 32 * 1024 * 1024;
    /** A server SHOULD NOT send more block status descriptors than this in one chunk. */
    public static final int MAX_BLOCK_STATUS_DESCRIPTORS = 1 << 20;
    /** The only metadata context this server offers. */
    public static final String BASE_ALLOCATION = "base:allocation";

    private NbdProtocol() {
    }
}
