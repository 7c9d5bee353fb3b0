package io.sheepdog.nbd.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the data of one option into a {@link NbdOptionRequest} (layouts in proto.md "Option types"). Syntax
 * errors become {@link NbdOptionRequest.Malformed} so the server can answer NBD_REP_ERR_INVALID and carry on.
 */
final class NbdOptionParser {

    private NbdOptionParser() {
    }

    /** Parses {@code data} (exactly the option's data bytes) of option {@code code}; consumes {@code data}. */
    static NbdOptionRequest parse(int code, ByteBuf data) {
        NbdOption option = NbdOption.lookup(code).orElse(null);
        if (option == null) {
            return new NbdOptionRequest.Bare(code, data.readableBytes());
        }
        switch (option) {
            case EXPORT_NAME:
                return exportName(data);
            case INFO:
            case GO:
                return info(option, data);
            case LIST_META_CONTEXT:
            case SET_META_CONTEXT:
                return metaContext(option, data);
            default:
                return new NbdOptionRequest.Bare(code, data.readableBytes());
        }
    }

    private static NbdOptionRequest exportName(ByteBuf data) {
        if (data.readableBytes() > NbdProtocol.MAX_STRING_LENGTH) {
            return new NbdOptionRequest.Malformed(NbdOption.EXPORT_NAME.code(), "export name too long");
        }
        return new NbdOptionRequest.ExportName(readString(data, data.readableBytes()));
    }

    private static NbdOptionRequest info(NbdOption option, ByteBuf data) {
        // 32-bit name length, name, 16-bit count, count x 16-bit info types
        if (data.readableBytes() < 6) {
            return malformed(option, "option data shorter than 6 bytes");
        }
        long nameLength = data.readUnsignedInt();
        if (nameLength > data.readableBytes() - 2) {
            return malformed(option, "export name length " + nameLength + " exceeds the option data");
        }
        if (nameLength > NbdProtocol.MAX_STRING_LENGTH) {
            return malformed(option, "export name too long");
        }
        String name = readString(data, (int) nameLength);
        int count = data.readUnsignedShort();
        if (data.readableBytes() != 2 * count) {
            return malformed(option, "information request count " + count + " does not match the option length");
        }
        List<Integer> types = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            types.add(data.readUnsignedShort());
        }
        return new NbdOptionRequest.Info(option, name, types);
    }

    private static NbdOptionRequest metaContext(NbdOption option, ByteBuf data) {
        // 32-bit export name length, name, 32-bit query count, queries as (32-bit length, string)
        if (data.readableBytes() < 8) {
            return malformed(option, "option data shorter than 8 bytes");
        }
        long nameLength = data.readUnsignedInt();
        if (nameLength > data.readableBytes() - 4 || nameLength > NbdProtocol.MAX_STRING_LENGTH) {
            return malformed(option, "bad export name length " + nameLength);
        }
        String name = readString(data, (int) nameLength);
        long count = data.readUnsignedInt();
        // each query takes at least its 4-byte length, which bounds the count before we allocate anything
        if (count > data.readableBytes() / 4) {
            return malformed(option, "query count " + count + " exceeds the option data");
        }
        List<String> queries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            if (data.readableBytes() < 4) {
                return malformed(option, "truncated query");
            }
            long queryLength = data.readUnsignedInt();
            if (queryLength > data.readableBytes() || queryLength > NbdProtocol.MAX_STRING_LENGTH) {
                return malformed(option, "bad query length " + queryLength);
            }
            queries.add(readString(data, (int) queryLength));
        }
        if (data.isReadable()) {
            return malformed(option, data.readableBytes() + " trailing bytes after the queries");
        }
        return new NbdOptionRequest.MetaContext(option, name, queries);
    }

    private static NbdOptionRequest malformed(NbdOption option, String reason) {
        return new NbdOptionRequest.Malformed(option.code(), reason);
    }

    private static String readString(ByteBuf data, int length) {
        String s = data.toString(data.readerIndex(), length, StandardCharsets.UTF_8);
        data.skipBytes(length);
        return s;
    }
}
