package io.sheepdog.daemon.testing.fuzz;

import static io.sheepdog.daemon.testing.fuzz.Interesting.oneIn;

import io.sheepdog.nbd.codec.NbdCommand;
import io.sheepdog.nbd.codec.NbdCommandFlag;
import io.sheepdog.nbd.codec.NbdProtocol;
import io.sheepdog.nbd.testutil.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hostile transmission phases: a valid handshake to a scratch export (the preamble: structured replies or not,
 * metadata contexts or not, read-only or not), then a pipelined burst of 1 to 32 requests (rarely 256) whose magic,
 * flags, types, cookies, offsets and lengths are drawn from edge values around the export size and the maximum
 * payload, writes with their payload, the last one sometimes cut short, the burst sometimes damaged further by the
 * {@link Mutator}. NBD_CMD_DISC is rare, as it ends the session.
 *
 * <p>The bytes a case sends stay under {@value #MAX_CASE_PAYLOAD} bytes of write payload, so a case takes
 * milliseconds; one READ per burst may ask for up to the maximum payload.
 */
public final class NbdTransmissionCases implements FuzzLoop.Generator {
    private static final int MAX_CASE_PAYLOAD = 36 << 20;
    private static final int MAX_PAYLOAD = NbdProtocol.DEFAULT_MAX_PAYLOAD;

    private final String export;
    private final long size;

    /**
     * @param export a scratch export's name (never the known data's)
     * @param size   its size in bytes
     */
    public NbdTransmissionCases(String export, long size) {
        this.export = export;
        this.size = size;
    }

    @Override
    public FuzzCase generate(int index, SplittableRandom r) {
        boolean structured = r.nextInt(4) != 0;
        List<String> contexts = !structured || r.nextBoolean() ? List.of()
                : r.nextBoolean() ? List.of(NbdProtocol.BASE_ALLOCATION)
                : List.of(NbdProtocol.BASE_ALLOCATION, "sheepdog:diff:");
        String name = oneIn(r, 4) ? export + "/ro" : export;
        StringBuilder label = new StringBuilder(name + (structured ? " structured" : " simple")
                + (contexts.isEmpty() ? "" : " " + contexts) + ":");
        Burst burst = new Burst(r, label);
        int requests = oneIn(r, 20) ? 1 + r.nextInt(256) : 1 + r.nextInt(32);
        for (int i = 0; i < requests && !burst.ended; i++) {
            burst.request(i == requests - 1);
        }
        byte[] bytes = burst.wire.array();
        if (oneIn(r, 4)) {
            bytes = Mutator.apply(bytes, r, 1 + r.nextInt(4), bytes.length + 4096, label.append(" |"));
        }
        return new FuzzCase(index, label.toString(), NbdOptions.session(name, structured, contexts), bytes,
                r.nextBoolean());
    }

    /** The requests of one case as they are drawn. */
    private final class Burst {
        final SplittableRandom r;
        final StringBuilder label;
        final Wire wire = Wire.bytes();
        long payloadLeft = MAX_CASE_PAYLOAD;
        boolean bigReadDrawn;
        boolean ended;
        long lastCookie;

        Burst(SplittableRandom r, StringBuilder label) {
            this.r = r;
            this.label = label;
        }

        void request(boolean last) {
            int type = type();
            int flags = flags();
            // Reused cookies: several requests in flight under one cookie must not confuse the server.
            long cookie = oneIn(r, 8) ? lastCookie : oneIn(r, 8) ? Interesting.edge(r, 64) : r.nextLong();
            lastCookie = cookie;
            long offset = oneIn(r, 4) ? Interesting.around(r, size, 64) : Interesting.within(r, size);
            long length = length(type);
            int magic = oneIn(r, 60) ? (int) Interesting.around(r, NbdProtocol.REQUEST_MAGIC, 32)
                    : NbdProtocol.REQUEST_MAGIC;
            wire.u32(magic).u16(flags).u16(type).u64(cookie).u64(offset).u32(length);
            label.append(' ').append(NbdCommand.lookup(type).map(Enum::name).orElse("cmd" + type));
            if (flags != 0) {
                label.append("/0x").append(Integer.toHexString(flags));
            }
            label.append('@').append(Long.toUnsignedString(offset)).append('+').append(length);
            if (magic != NbdProtocol.REQUEST_MAGIC) {
                label.append("[magic]");
            }
            if (type == NbdCommand.WRITE.code()) {
                payload(length, last);
            }
            ended = type == NbdCommand.DISC.code();
        }

        private int type() {
            if (oneIn(r, 40)) {
                return (int) Interesting.around(r, NbdCommand.values().length, 16);
            }
            NbdCommand c;
            do {
                c = NbdCommand.values()[r.nextInt(NbdCommand.values().length)];
            } while (c == NbdCommand.DISC && !oneIn(r, 10));
            return c.code();
        }

        private int flags() {
            switch (r.nextInt(6)) {
                case 0:
                    return (int) Interesting.edge(r, 16);
                case 1:
                case 2:
                    return NbdCommandFlag.values()[r.nextInt(NbdCommandFlag.values().length)].mask();
                default:
                    return 0;
            }
        }

        private long length(int type) {
            if (type == NbdCommand.READ.code() && !bigReadDrawn && oneIn(r, 8)) {
                bigReadDrawn = true;
                return Interesting.around(r, MAX_PAYLOAD, 32);
            }
            if (type == NbdCommand.WRITE.code()) {
                switch (r.nextInt(64)) {
                    case 0:
                        return Interesting.around(r, MAX_PAYLOAD, 32);
                    case 1:
                    case 2:
                        return 4 << 20;
                    case 3:
                    case 4:
                        return 0;
                    default:
                        return 1 + Interesting.within(r, 256 << 10);
                }
            }
            return oneIn(r, 3) ? Interesting.around(r, size, 32) : Interesting.within(r, 1 << 20);
        }

        /** A write's payload: all of it, or (last request) part of it; none if the server must refuse the length. */
        private void payload(long length, boolean last) {
            if (length > MAX_PAYLOAD || length > payloadLeft) {
                return;
            }
            long sent = last && oneIn(r, 6) ? r.nextLong(length + 1) : length;
            if (sent != length) {
                label.append("[cut at ").append(sent).append(']');
            }
            byte[] data = new byte[(int) sent];
            r.nextBytes(data);
            wire.raw(data);
            payloadLeft -= sent;
        }
    }
}
