package io.sheepdog.membership;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * A node's stable id: FNV-1a of its listen address and port, so the same daemon at the same address keeps its id
 * across restarts, and {@code collie node list} shows the same id on every node.
 *
 * @param value the 64-bit id
 */
public record NodeId(long value) {

    /** The id of the daemon listening on {@code address:port}. */
    public static NodeId of(InetAddress address, int port) {
        long h = Fnv1a.hash(address.getHostAddress().getBytes(StandardCharsets.US_ASCII));
        return new NodeId(Fnv1a.hashLong(port, h));
    }

    /**
     * The id {@link #toString()} printed (16 hex digits), as the Raft implementation names its members.
     *
     * @throws IllegalArgumentException if {@code hex} is not an unsigned 64-bit hex number
     */
    public static NodeId parse(String hex) {
        try {
            return new NodeId(Long.parseUnsignedLong(hex, 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a node id (16 hex digits): " + hex, e);
        }
    }

    @Override
    public String toString() {
        return String.format("%016x", value);
    }
}
