package io.sheepdog.nbd.codec;

/**
 * One fixed newstyle option reply (proto.md "Option reply types"). Each carries the code of the option it
 * answers.
 */
public sealed interface NbdOptionReply extends NbdHandshakeReply {

    /** The code of the option this replies to. */
    int option();

    /** NBD_REP_ACK. */
    record Ack(int option) implements NbdOptionReply {
    }

    /** NBD_REP_SERVER: one export of an NBD_OPT_LIST answer; the description may be empty. */
    record Server(int option, String name, String description) implements NbdOptionReply {
    }

    /** NBD_REP_INFO with NBD_INFO_EXPORT. */
    record InfoExport(int option, long size, int transmissionFlags) implements NbdOptionReply {
    }

    /** NBD_REP_INFO with NBD_INFO_NAME. */
    record InfoName(int option, String name) implements NbdOptionReply {
    }

    /** NBD_REP_INFO with NBD_INFO_DESCRIPTION. */
    record InfoDescription(int option, String description) implements NbdOptionReply {
    }

    /** NBD_REP_INFO with NBD_INFO_BLOCK_SIZE. */
    record InfoBlockSize(int option, int minimum, int preferred, int maximum) implements NbdOptionReply {
    }

    /** NBD_REP_META_CONTEXT. */
    record MetaContext(int option, int contextId, String name) implements NbdOptionReply {
    }

    /** An error reply, with an optional human-readable message (may be empty). */
    record Error(int option, NbdOptionReplyType type, String message) implements NbdOptionReply {
        public Error {
            if (!type.isError()) {
                throw new IllegalArgumentException("not an error reply type: " + type);
            }
        }
    }
}
