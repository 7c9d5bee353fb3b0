package io.sheepdog.daemon.testing.fuzz;

import io.sheepdog.nbd.codec.NbdClientFlag;
import io.sheepdog.nbd.codec.NbdInfoType;
import io.sheepdog.nbd.codec.NbdOption;
import io.sheepdog.nbd.codec.NbdOptionReplyType;
import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.testutil.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;

/**
 * Well-formed fixed newstyle handshake bytes (proto.md "Fixed newstyle negotiation") for the NBD generators to start
 * from, and the client's side of a valid handshake for the transmission fuzzer.
 */
final class NbdOptions {
    /** The flags every real client sends: fixed newstyle, no zeroes. */
    static final int CLIENT_FLAGS = NbdClientFlag.C_FIXED_NEWSTYLE.mask() | NbdClientFlag.C_NO_ZEROES.mask();

    private NbdOptions() {
    }

    /** An option whose header declares {@code declaredLength} data bytes, followed by {@code data}. */
    static byte[] option(int code, long declaredLength, byte[] data) {
        return Wire.bytes().u64(NbdProtocol.IHAVEOPT).u32(code).u32(declaredLength).raw(data).array();
    }

    static byte[] option(NbdOption option, byte[] data) {
        return option(option.code(), data.length, data);
    }

    /** The preamble of a session: client flags, then the options, GO last. */
    static byte[] session(String export, boolean structured, List<String> contexts) {
        Wire w = Wire.bytes().u32(CLIENT_FLAGS);
        if (structured) {
            w.raw(option(NbdOption.STRUCTURED_REPLY, new byte[0]));
        }
        if (!contexts.isEmpty()) {
            w.raw(option(NbdOption.SET_META_CONTEXT, Wire.metaData(export, contexts.toArray(String[]::new))));
        }
        return w.raw(option(NbdOption.GO, Wire.infoData(export, NbdInfoType.BLOCK_SIZE.code()))).array();
    }

    /**
     * Reads the server's greeting and option replies up to the answer to GO.
     *
     * @throws IOException if GO (or anything before it) was refused, or the server sent something else
     */
    static void awaitGo(DataInputStream in) throws IOException {
        in.skipNBytes(NbdProtocol.GREETING_LENGTH);
        while (true) {
            long magic = in.readLong();
            int option = in.readInt();
            int type = in.readInt();
            long length = Integer.toUnsignedLong(in.readInt());
            if (magic != NbdProtocol.OPTION_REPLY_MAGIC) {
                throw new IOException("bad option reply magic 0x" + Long.toHexString(magic));
            }
            byte[] data = in.readNBytes((int) Math.min(length, NbdProtocol.MAX_OPTION_DATA_LENGTH));
            if ((type & 0x8000_0000) != 0) {
                throw new IOException("option " + option + " refused with 0x" + Integer.toHexString(type) + ": "
                        + new String(data, java.nio.charset.StandardCharsets.UTF_8));
            }
            if (option == NbdOption.GO.code() && type == NbdOptionReplyType.ACK.code()) {
                return;
            }
        }
    }
}
