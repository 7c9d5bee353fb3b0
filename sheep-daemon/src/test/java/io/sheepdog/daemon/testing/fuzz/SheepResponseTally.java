package io.sheepdog.daemon.testing.fuzz;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.proto.Opcode;
import io.sheepdog.daemon.proto.SheepProtocol;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the sheep protocol responses a fuzzer gets, by operation kind and result ("PEER SUCCESS",
 * "CONTROL INVALID_PARAMS"): what shows that cases get past the framing into the handlers, and through their
 * validation into the store, rather than all dying at the first header check. Used as a connection's drain.
 */
public final class SheepResponseTally implements HostileConnection.Drain {
    private static final int MESSAGES_KEPT = 8;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    /** The first messages of UNKNOWN results: an internal fault the daemon did not type, worth reading. */
    private final Set<String> unknownMessages = ConcurrentHashMap.newKeySet();

    @Override
    public void read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        byte[] header = new byte[SheepProtocol.HEADER_SIZE];
        while (true) {
            try {
                in.readFully(header);
            } catch (EOFException e) {
                return;
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            if (h.getInt(SheepProtocol.OFFSET_MAGIC) != SheepProtocol.MAGIC) {
                HostileConnection.Drain.DISCARD.read(in); // not a frame: the rest cannot be framed either
                return;
            }
            int opcode = h.get(SheepProtocol.OFFSET_OPCODE) & 0xff;
            String kind = Opcode.isKnown(opcode) ? Opcode.valueOf(opcode).kind().name() : "UNKNOWN_OP";
            ResultCode result = ResultCode.valueOf(h.getInt(SheepProtocol.OFFSET_RESULT));
            counts.computeIfAbsent(kind + " " + result, k -> new LongAdder()).increment();
            long length = Integer.toUnsignedLong(h.getInt(SheepProtocol.OFFSET_PAYLOAD_LENGTH));
            if (result == ResultCode.UNKNOWN && length <= 4096 && unknownMessages.size() < MESSAGES_KEPT) {
                unknownMessages.add(kind + ": " + new String(in.readNBytes((int) length), StandardCharsets.UTF_8));
            } else {
                in.skipNBytes(length);
            }
        }
    }

    /** How many responses of {@code kind} carried {@code result}. */
    public long count(Opcode.Kind kind, ResultCode result) {
        LongAdder a = counts.get(kind.name() + " " + result);
        return a == null ? 0 : a.sum();
    }

    /** The first few messages of UNKNOWN results. */
    public Set<String> unknownMessages() {
        return Set.copyOf(unknownMessages);
    }

    /** Every count so far, sorted by key. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
