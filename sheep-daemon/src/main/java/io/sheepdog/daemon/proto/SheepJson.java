package io.sheepdog.daemon.proto;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * JSON payloads of control operations: the api records ({@code ClusterInfo}, {@code VdiInfo}, ...), lists of them,
 * and plain strings (VDI names). Unknown properties are ignored so that a newer daemon may add fields without
 * breaking an older client. No scalar is coerced into a string: a number or boolean where a name is expected is an
 * error, not the name "123" (hostile or confused input loses nothing by being refused).
 */
public final class SheepJson {

    private static final ObjectMapper MAPPER = strict(new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true));

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    private SheepJson() {
    }

    /** {@code value} as a JSON payload; the caller owns the returned buffer. */
    public static ByteBuf encode(ByteBufAllocator alloc, Object value) {
        ByteBuf buf = alloc.buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            // Cast: ByteBufOutputStream is also a DataOutput, for which Jackson has another overload.
            MAPPER.writeValue((OutputStream) out, value);
            return buf;
        } catch (IOException e) {
            buf.release();
            // Writing our own records to memory cannot fail short of a bug.
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Reads a JSON payload without consuming or releasing it.
     *
     * @throws IOException if the payload is not JSON of that type
     */
    public static <T> T decode(ByteBuf payload, Class<T> type) throws IOException {
        return MAPPER.readValue(stream(payload), type);
    }

    /** Reads a JSON array of {@code elementType} without consuming or releasing the payload. */
    public static <T> List<T> decodeList(ByteBuf payload, Class<T> elementType) throws IOException {
        JavaType listType = MAPPER.getTypeFactory().constructCollectionType(List.class, elementType);
        return MAPPER.readValue(stream(payload), listType);
    }

    /** Typed as InputStream: ByteBufInputStream is also a DataInput, for which Jackson has other overloads. */
    private static InputStream stream(ByteBuf payload) {
        return new ByteBufInputStream(payload.duplicate(), false);
    }
}
