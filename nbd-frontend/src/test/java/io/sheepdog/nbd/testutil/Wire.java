package io.sheepdog.nbd.testutil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds NBD wire bytes independently of the production codecs (big-endian fields written one by one), so that
 * codec tests compare against the spec's layouts rather than against the code under test.
 */
public final class Wire {

    public static final long NBDMAGIC = 0x4e42444d41474943L;
    public static final long IHAVEOPT = 0x49484156454F5054L;
    public static final long OPT_REPLY_MAGIC = 0x3e889045565a9L;
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_MAGIC = 0x67446698;
    public static final int STRUCTURED_MAGIC = 0x668e33ef;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static Wire bytes() {
        return new Wire();
    }

    public Wire u8(int v) {
        out.write(v);
        return this;
    }

    public Wire u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    public Wire u32(long v) {
        return u16((int) (v >>> 16)).u16((int) v);
    }

    public Wire u64(long v) {
        return u32(v >>> 32).u32(v);
    }

    public Wire raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public Wire str(String s) {
        return raw(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A 32-bit length followed by the string. */
    public Wire lstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return u32(b.length).raw(b);
    }

    public Wire zeroes(int n) {
        return raw(new byte[n]);
    }

    public byte[] array() {
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ client side

    /** An option request: IHAVEOPT, option, length, data. */
    public static byte[] option(int code, byte[] data) {
        return bytes().u64(IHAVEOPT).u32(code).u32(data.length).raw(data).array();
    }

    /** The data of NBD_OPT_INFO / NBD_OPT_GO. */
    public static byte[] infoData(String name, int... infoTypes) {
        Wire w = bytes().lstr(name).u16(infoTypes.length);
        for (int t : infoTypes) {
            w.u16(t);
        }
        return w.array();
    }

    /** The data of NBD_OPT_LIST_META_CONTEXT / NBD_OPT_SET_META_CONTEXT. */
    public static byte[] metaData(String export, String... queries) {
        Wire w = bytes().lstr(export).u32(queries.length);
        for (String q : queries) {
            w.lstr(q);
        }
        return w.array();
    }

    /** A request header. */
    public static byte[] request(int flags, int type, long cookie, long offset, long length) {
        return bytes().u32(REQUEST_MAGIC).u16(flags).u16(type).u64(cookie).u64(offset).u32(length).array();
    }

    // ------------------------------------------------------------------ server side

    public static byte[] greeting(int flags) {
        return bytes().u64(NBDMAGIC).u64(IHAVEOPT).u16(flags).array();
    }

    public static byte[] optionReply(int option, long type, byte[] data) {
        return bytes().u64(OPT_REPLY_MAGIC).u32(option).u32(type).u32(data.length).raw(data).array();
    }

    public static byte[] simpleReply(int error, long cookie) {
        return bytes().u32(SIMPLE_MAGIC).u32(error).u64(cookie).array();
    }

    public static byte[] chunk(int flags, int type, long cookie, byte[] payload) {
        return bytes().u32(STRUCTURED_MAGIC).u16(flags).u16(type).u64(cookie).u32(payload.length).raw(payload)
                .array();
    }

    public static byte[] concat(byte[]... parts) {
        Wire w = bytes();
        for (byte[] p : parts) {
            w.raw(p);
        }
        return w.array();
    }

    /** {@code n} bytes of a repeating pattern starting at {@code seed}. */
    public static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }
}
