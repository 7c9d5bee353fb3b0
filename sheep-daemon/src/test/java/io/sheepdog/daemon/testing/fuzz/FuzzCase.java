package io.sheepdog.daemon.testing.fuzz;

import java.util.HexFormat;

/**
 * One generated case: what goes over one fresh connection.
 *
 * @param index     its index in the run (with the seed, all it takes to generate it again)
 * @param label     what the generator built and how it damaged it, for reports
 * @param preamble  bytes sent first, whose answers the sender waits for (a valid handshake); empty if none
 * @param bytes     the hostile bytes, sent after the preamble was answered
 * @param halfClose whether the client shuts its output down after sending (the server then sees end of stream at
 *                  once) instead of leaving the connection open for a moment and closing it
 */
public record FuzzCase(int index, String label, byte[] preamble, byte[] bytes, boolean halfClose) {
    private static final int SHOWN_BYTES = 96;
    private static final byte[] NONE = new byte[0];

    /** A case without a preamble. */
    public FuzzCase(int index, String label, byte[] bytes, boolean halfClose) {
        this(index, label, NONE, bytes, halfClose);
    }

    /** "#I LABEL (N bytes, half-close): HEX...", the hex cut after 96 bytes. */
    public String describe() {
        String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, SHOWN_BYTES));
        return "#" + index + " " + label + " (" + (preamble.length > 0 ? preamble.length + "-byte preamble, " : "")
                + bytes.length + " bytes" + (halfClose ? ", half-close" : "") + "): " + hex
                + (bytes.length > SHOWN_BYTES ? "..." : "");
    }
}
