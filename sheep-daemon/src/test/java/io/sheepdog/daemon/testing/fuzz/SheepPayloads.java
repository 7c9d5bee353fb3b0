package io.sheepdog.daemon.testing.fuzz;

import static io.sheepdog.daemon.testing.fuzz.Interesting.oneIn;

import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.PeerWire;
import io.sheepdog.store.ObjectLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Payloads for hostile sheep frames, by operation (formats on {@link Opcode} and {@link PeerWire}): JSON names and
 * request records with fields missing, null, of the wrong type or at edge values, damaged JSON text and nesting deep
 * enough to trouble a parser; raw write data; PEER_PUT_OBJ images whose block bitmap and block count agree or not.
 * JSON names come from the scratch names and a few made-up ones, never from the known VDI.
 */
final class SheepPayloads {
    private static final byte[] NONE = new byte[0];
    private static final List<String> REFS = List.of("1", "2", "0", "-1", "t0", "t1", "99999999999999999999", "",
            "x y", "1e3");

    private final List<String> names;

    SheepPayloads(List<String> scratchNames) {
        List<String> all = new ArrayList<>(scratchNames);
        all.addAll(List.of("hostile-tmp-0", "hostile-tmp-1", "", "x".repeat(300), "\u00e9t\u00e9", "a/b", "a@b",
                "a\\u0000b"));
        this.names = List.copyOf(all);
    }

    byte[] payload(Opcode op, SplittableRandom r) {
        if (op == null) {
            return oneIn(r, 2) ? NONE : random(r, 1 + r.nextInt(256));
        }
        return switch (op) {
            case VDI_CREATE, VDI_LOOKUP, VDI_DELETE, VDI_OBJECTS, VDI_FLATTEN, VDI_UNLOCK, VDI_SET_SHARED ->
                    json(r, jsonString(name(r)));
            case VDI_SNAPSHOT -> json(r, object(r, "name", name(r), "tag", Interesting.pick(r, REFS)));
            case VDI_CLONE -> json(r, object(r, "source", name(r), "snapshot", Interesting.pick(r, REFS), "name",
                    name(r)));
            case VDI_ROLLBACK, VDI_DELETE_SNAPSHOT -> json(r, object(r, "name", name(r), "snapshot",
                    Interesting.pick(r, REFS)));
            case VDI_RESIZE -> json(r, object(r, "name", name(r), "size",
                    Long.toString(Interesting.around(r, 1L << 30, 64)), "force", r.nextBoolean() ? "true" : "1"));
            case VDI_LOCK_MIGRATE -> json(r, object(r, "name", name(r), "toNode",
                    Interesting.pick(r, List.of("127.0.0.1:1", "", "x", ":", "127.0.0.1:99999"))));
            case VDI_WRITE -> random(r, oneIn(r, 30) ? 4 << 20 : (int) Interesting.within(r, 256 << 10));
            case PEER_WRITE_OBJ -> random(r, oneIn(r, 30) ? ObjectLayout.OBJECT_SIZE + r.nextInt(2)
                    : (int) Interesting.within(r, 64 << 10));
            case PEER_PUT_OBJ -> image(r);
            default -> oneIn(r, 10) ? random(r, 1 + r.nextInt(64)) : NONE;
        };
    }

    private String name(SplittableRandom r) {
        return Interesting.pick(r, names);
    }

    /** JSON text, usually as built, sometimes replaced by hostile JSON or damaged. */
    private static byte[] json(SplittableRandom r, String text) {
        switch (r.nextInt(24)) {
            case 0:
                return "[".repeat(1 + r.nextInt(20_000)).getBytes(StandardCharsets.UTF_8);
            case 1:
                return ("{\"name\":" + "9".repeat(1 + r.nextInt(5000)) + "}").getBytes(StandardCharsets.UTF_8);
            case 2:
                return Interesting.pick(r, List.of("null", "[]", "{}", "42", "\"", "\"\\ud800\"", "true",
                        "\"a\" \"b\"", "{\"name\":null}", "{\"name\":[]}")).getBytes(StandardCharsets.UTF_8);
            case 3:
            case 4: {
                StringBuilder ignored = new StringBuilder();
                return Mutator.apply(text.getBytes(StandardCharsets.UTF_8), r, 1 + r.nextInt(3), text.length() + 64,
                        ignored);
            }
            default:
                return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A JSON object of the key/value pairs given, string values quoted, "size"/"force" raw; keys dropped at times. */
    private static String object(SplittableRandom r, String... keyValues) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (oneIn(r, 8)) {
                continue;
            }
            String key = keyValues[i];
            String value = oneIn(r, 10) ? "null"
                    : key.equals("size") || key.equals("force") ? keyValues[i + 1]
                    : jsonString(keyValues[i + 1]);
            s.append(s.length() > 1 ? "," : "").append('"').append(key).append("\":").append(value);
        }
        if (oneIn(r, 8)) {
            s.append(s.length() > 1 ? "," : "").append("\"extra\":{\"x\":[1,2,3]}");
        }
        return s.append('}').toString();
    }

    /** A replica image: the block bitmap, then as many 4 KiB blocks as it sets, or one more or one fewer. */
    private static byte[] image(SplittableRandom r) {
        byte[] bitmap = new byte[PeerWire.ALLOCATION_BITMAP_BYTES];
        int blocks = 0;
        int set = oneIn(r, 10) ? ObjectLayout.BLOCKS_PER_OBJECT : r.nextInt(5);
        for (int i = 0; i < set; i++) {
            int block = set == ObjectLayout.BLOCKS_PER_OBJECT ? i : r.nextInt(ObjectLayout.BLOCKS_PER_OBJECT);
            if ((bitmap[block / 8] & (1 << (block % 8))) == 0) {
                bitmap[block / 8] |= (byte) (1 << (block % 8));
                blocks++;
            }
        }
        int count = oneIn(r, 4) ? Math.max(0, blocks + r.nextInt(-1, 2)) : blocks;
        byte[] image = new byte[bitmap.length + count * ObjectLayout.BLOCK_SIZE];
        System.arraycopy(bitmap, 0, image, 0, bitmap.length);
        byte[] data = random(r, count * ObjectLayout.BLOCK_SIZE);
        System.arraycopy(data, 0, image, bitmap.length, data.length);
        return oneIn(r, 10) ? random(r, r.nextInt(PeerWire.ALLOCATION_BITMAP_BYTES + 1)) : image;
    }

    private static byte[] random(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }
}
