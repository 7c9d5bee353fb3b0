package io.sheepdog.daemon.testing.fuzz;

import static io.sheepdog.daemon.testing.fuzz.Interesting.oneIn;

import io.sheepdog.nbd.codec.NbdClientFlag;
import io.sheepdog.nbd.codec.NbdInfoType;
import io.sheepdog.nbd.codec.NbdOption;
import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.testutil.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile fixed newstyle handshakes: client flags (the valid pair, none, unknown bits), then one to six options
 * (every option type the spec names and unknown ones) whose declared lengths, inner name lengths, counts, info types,
 * export names and metadata queries are drawn from edge values, sometimes damaged further by the {@link Mutator},
 * sometimes cut short, and sometimes larger than the server buffers ({@link NbdProtocol#MAX_OPTION_DATA_LENGTH}).
 *
 * <p>Export names come from the scratch exports the caller names (with "/ro", "@TAG" and garbage variants); a case
 * whose bytes contain the forbidden name (the VDI holding the known data) is drawn again, so no case can attach it.
 */
public final class NbdHandshakeCases implements FuzzLoop.Generator {
    private static final int MAX_CASE_BYTES = 2 * NbdProtocol.MAX_OPTION_DATA_LENGTH + 4096;
    private static final List<String> QUERIES = List.of(NbdProtocol.BASE_ALLOCATION, "base:", "", "sheepdog:",
            "sheepdog:diff:", "sheepdog:diff:1", "sheepdog:diff:nosuch", "qemu:dirty-bitmap:x", "base:allocation\0");

    private final List<String> exports;
    private final byte[] forbidden;

    /**
     * @param exports       names of scratch exports a case may name
     * @param forbiddenName a name no case may contain
     */
    public NbdHandshakeCases(List<String> exports, String forbiddenName) {
        this.exports = List.copyOf(exports);
        this.forbidden = forbiddenName.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public FuzzCase generate(int index, SplittableRandom r) {
        while (true) {
            StringBuilder label = new StringBuilder();
            Wire w = Wire.bytes().u32(clientFlags(r, label));
            int options = oneIn(r, 10) ? 1 + r.nextInt(40) : 1 + r.nextInt(6);
            for (int i = 0; i < options; i++) {
                w.raw(option(r, label));
            }
            byte[] bytes = w.array();
            if (oneIn(r, 3)) {
                bytes = Mutator.apply(bytes, r, 1 + r.nextInt(4), MAX_CASE_BYTES, label.append(" |"));
            }
            if (!Bytes.contains(bytes, forbidden)) {
                return new FuzzCase(index, label.toString().trim(), bytes, r.nextBoolean());
            }
        }
    }

    private static int clientFlags(SplittableRandom r, StringBuilder label) {
        int flags;
        switch (r.nextInt(10)) {
            case 0:
                flags = 0;
                break;
            case 1:
                flags = NbdClientFlag.C_FIXED_NEWSTYLE.mask();
                break;
            case 2:
                flags = NbdOptions.CLIENT_FLAGS | (1 << (2 + r.nextInt(30)));
                break;
            case 3:
                flags = r.nextInt();
                break;
            default:
                return NbdOptions.CLIENT_FLAGS;
        }
        label.append("flags=0x").append(Integer.toHexString(flags)).append(' ');
        return flags;
    }

    private byte[] option(SplittableRandom r, StringBuilder label) {
        NbdOption[] known = NbdOption.values();
        int code = oneIn(r, 12) ? (int) Interesting.around(r, known.length + 1, 32) : known[r.nextInt(known.length)]
                .code();
        byte[] data = data(code, r);
        long declared = data.length;
        if (oneIn(r, 8)) {
            declared = Interesting.around(r, data.length, 32);
        }
        label.append(NbdOption.lookup(code).map(Enum::name).orElse("opt" + Integer.toUnsignedString(code)));
        label.append(declared == data.length ? "" : "[len=" + declared + "/" + data.length + "]").append(' ');
        return NbdOptions.option(code, declared, data);
    }

    private byte[] data(int code, SplittableRandom r) {
        NbdOption option = NbdOption.lookup(code).orElse(null);
        if (option == null) {
            return junk(r);
        }
        switch (option) {
            case EXPORT_NAME:
                return name(r);
            case INFO:
            case GO:
                return info(r);
            case LIST_META_CONTEXT:
            case SET_META_CONTEXT:
                return meta(r);
            default:
                return oneIn(r, 4) ? junk(r) : new byte[0];
        }
    }

    /** Name length, name, count, info types (proto.md NBD_OPT_INFO), each field possibly off. */
    private byte[] info(SplittableRandom r) {
        byte[] name = name(r);
        int count = oneIn(r, 20) ? r.nextInt(2000) : r.nextInt(5);
        Wire w = Wire.bytes().u32(oneIn(r, 6) ? Interesting.around(r, name.length, 32) : name.length).raw(name);
        w.u16(oneIn(r, 6) ? (int) Interesting.around(r, count, 16) : count);
        for (int i = 0; i < count; i++) {
            w.u16(oneIn(r, 4) ? r.nextInt(0x10000) : NbdInfoType.values()[r.nextInt(NbdInfoType.values().length)]
                    .code());
        }
        return w.array();
    }

    /** Export name length, name, query count, queries (proto.md NBD_OPT_LIST_META_CONTEXT). */
    private byte[] meta(SplittableRandom r) {
        byte[] name = name(r);
        List<byte[]> queries = new ArrayList<>();
        int count = oneIn(r, 20) ? r.nextInt(5000) : r.nextInt(4);
        for (int i = 0; i < count; i++) {
            queries.add(oneIn(r, 8) ? junk(r) : Interesting.pick(r, QUERIES).getBytes(StandardCharsets.UTF_8));
        }
        Wire w = Wire.bytes().u32(oneIn(r, 6) ? Interesting.around(r, name.length, 32) : name.length).raw(name);
        w.u32(oneIn(r, 6) ? Interesting.around(r, count, 32) : count);
        for (byte[] q : queries) {
            w.u32(oneIn(r, 10) ? Interesting.around(r, q.length, 32) : q.length).raw(q);
        }
        return w.array();
    }

    private byte[] name(SplittableRandom r) {
        String export = Interesting.pick(r, exports);
        String name;
        switch (r.nextInt(12)) {
            case 0:
                name = "";
                break;
            case 1:
                name = export + "/ro";
                break;
            case 2:
                name = export + "@" + Interesting.pick(r, List.of("1", "0", "-1", "99999999999", "tag", "", "@"));
                break;
            case 3:
                name = "x".repeat(NbdProtocol.MAX_STRING_LENGTH + r.nextInt(-1, 2));
                break;
            case 4:
                return junk(r);
            case 5:
                name = Interesting.pick(r, List.of("/ro", "@", "../" + export, export + "\0", export + "/", " "));
                break;
            default:
                name = export;
        }
        return name.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] junk(SplittableRandom r) {
        byte[] b = new byte[1 + r.nextInt(64)];
        r.nextBytes(b);
        return b;
    }
}
