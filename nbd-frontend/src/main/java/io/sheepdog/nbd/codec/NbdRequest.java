package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;

/**
 * A transmission-phase request (proto.md "Request message" and "Request types"). Offsets are unsigned 64-bit
 * values held in a {@code long}; lengths are unsigned 32-bit values held in a {@code long}.
 */
public sealed interface NbdRequest {

    /** The opaque cookie (handle) to echo in the reply. */
    long cookie();

    /** The raw 16-bit command flags. */
    int flags();

    /** The raw command type. */
    int type();

    /** Unsigned offset (zero for requests without one). */
    long offset();

    /** Unsigned length (zero for requests without one). */
    long length();

    /** True if {@code flag} is set. */
    default boolean has(NbdCommandFlag flag) {
        return flag.isSet(flags());
    }

    /** The request built from a decoded header of any type but WRITE. */
    static NbdRequest of(long cookie, int flags, int type, long offset, long length) {
        NbdCommand command = NbdCommand.lookup(type).orElse(null);
        if (command == null) {
            return new Unsupported(cookie, flags, type, offset, length);
        }
        switch (command) {
            case READ:
                return new Read(cookie, flags, offset, length);
            case DISC:
                return new Disconnect(cookie, flags);
            case FLUSH:
                return new Flush(cookie, flags);
            case TRIM:
                return new Trim(cookie, flags, offset, length);
            case CACHE:
                return new Cache(cookie, flags, offset, length);
            case WRITE_ZEROES:
                return new WriteZeroes(cookie, flags, offset, length);
            case BLOCK_STATUS:
                return new BlockStatus(cookie, flags, offset, length);
            default:
                // WRITE needs its payload (decoded separately); RESIZE is an unsupported extension
                return new Unsupported(cookie, flags, type, offset, length);
        }
    }

    /** NBD_CMD_READ. */
    record Read(long cookie, int flags, long offset, long length) implements NbdRequest {
        @Override
        public int type() {
            return NbdCommand.READ.code();
        }
    }

    /** NBD_CMD_WRITE; {@code content} is a retained slice of the input, released by whoever consumes this. */
    record Write(long cookie, int flags, long offset, ByteBuf content) implements NbdRequest, NbdPayloadMessage {
        @Override
        public int type() {
            return NbdCommand.WRITE.code();
        }

        @Override
        public long length() {
            return content.readableBytes();
        }
    }

    /** A request whose offset and length fields are reserved: both read as zero. */
    sealed interface Unranged extends NbdRequest permits Disconnect, Flush {
        @Override
        default long offset() {
            return 0;
        }

        @Override
        default long length() {
            return 0;
        }
    }

    /** NBD_CMD_DISC: finish in-flight requests, then close. */
    record Disconnect(long cookie, int flags) implements Unranged {
        @Override
        public int type() {
            return NbdCommand.DISC.code();
        }
    }

    /** NBD_CMD_FLUSH (offset and length are reserved and ignored). */
    record Flush(long cookie, int flags) implements Unranged {
        @Override
        public int type() {
            return NbdCommand.FLUSH.code();
        }
    }

    /** NBD_CMD_TRIM; the length may be far larger than any payload. */
    record Trim(long cookie, int flags, long offset, long length) implements NbdRequest {
        @Override
        public int type() {
            return NbdCommand.TRIM.code();
        }
    }

    /** NBD_CMD_CACHE. */
    record Cache(long cookie, int flags, long offset, long length) implements NbdRequest {
        @Override
        public int type() {
            return NbdCommand.CACHE.code();
        }
    }

    /** NBD_CMD_WRITE_ZEROES; the length may be far larger than any payload. */
    record WriteZeroes(long cookie, int flags, long offset, long length) implements NbdRequest {
        @Override
        public int type() {
            return NbdCommand.WRITE_ZEROES.code();
        }
    }

    /** NBD_CMD_BLOCK_STATUS. */
    record BlockStatus(long cookie, int flags, long offset, long length) implements NbdRequest {
        @Override
        public int type() {
            return NbdCommand.BLOCK_STATUS.code();
        }
    }

    /** A command type this server does not implement; answered with EINVAL. */
    record Unsupported(long cookie, int flags, int type, long offset, long length) implements NbdRequest {
    }
}
