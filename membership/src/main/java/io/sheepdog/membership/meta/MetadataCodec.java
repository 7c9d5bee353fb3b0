package io.sheepdog.membership.meta;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The JSON form of commands, results and state snapshots, as stored in the replicated log and sent between nodes.
 * Unknown fields are ignored on reading, so a later version may add fields without breaking older logs.
 */
public final class MetadataCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /**
     * The read barrier's question to the metadata leader ({@link ClusterMetadataService#sync()}): "which state
     * version have you applied?". A read-only request, never in the log; answered with a {@link CommandResult}
     * carrying that version. Not JSON, so it is never mistaken for a command.
     */
    private static final byte[] APPLIED_VERSION_QUERY = "?applied-version".getBytes(StandardCharsets.US_ASCII);

    private MetadataCodec() {
    }

    public static byte[] encode(MetadataCommand command) {
        return write(command);
    }

    public static MetadataCommand decodeCommand(byte[] buf, int offset, int length) {
        return read(buf, offset, length, MetadataCommand.class);
    }

    /** The read barrier's query (a fresh copy). */
    public static byte[] appliedVersionQuery() {
        return APPLIED_VERSION_QUERY.clone();
    }

    /** True if the bytes are the read barrier's query rather than a command. */
    public static boolean isAppliedVersionQuery(byte[] buf, int offset, int length) {
        return Arrays.equals(buf, offset, offset + length, APPLIED_VERSION_QUERY, 0, APPLIED_VERSION_QUERY.length);
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
