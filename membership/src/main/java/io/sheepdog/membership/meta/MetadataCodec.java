package io.sheepdog.membership.meta;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON form of commands, results and state snapshots, as stored in the replicated log and sent between nodes.
 * Unknown fields are ignored on reading, so a later version may add fields without breaking older logs.
 */
public final class MetadataCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private MetadataCodec() {
    }

    public static byte[] encode(MetadataCommand command) {
        return write(command);
    }

    public static MetadataCommand decodeCommand(byte[] buf, int offset, int length) {
        return read(buf, offset, length, MetadataCommand.class);
    }

    public static byte[] encode(CommandResult result) {
        return write(result);
    }

    public static CommandResult decodeResult(byte[] buf) {
        return read(buf, 0, buf.length, CommandResult.class);
    }

    public static byte[] encode(MetadataState state) {
        return write(state);
    }

    public static MetadataState decodeState(byte[] buf) {
        return read(buf, 0, buf.length, MetadataState.class);
    }

    private static byte[] write(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + o.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(byte[] buf, int offset, int length, Class<T> type) {
        try {
            return JSON.readValue(buf, offset, length, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt " + type.getSimpleName() + " in the metadata log", e);
        }
    }
}
