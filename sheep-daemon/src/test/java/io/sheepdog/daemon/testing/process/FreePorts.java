package io.sheepdog.daemon.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports that were free a moment ago, found by binding port 0. Another process can take one between this call and the
 * daemon's bind; {@link SheepProcess} therefore retries a start that failed on a taken port with fresh ports.
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** {@code count} distinct ports on the loopback address that nothing listened on when they were picked. */
    public static int[] pick(int count) {
        Set<Integer> seen = new HashSet<>();
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            int port;
            do {
                port = pickOne();
            } while (!seen.add(port));
            ports[i] = port;
        }
        return ports;
    }

    /**
     * A sheep port and an NBD port for one daemon: the sheep port is chosen so that the membership ports above it
     * (sheep port + 1000 and + 1100) are free as well.
     */
    public static int[] pickSheep() {
        Set<Integer> tried = new HashSet<>();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = pickOne();
            if (!tried.add(port) || port + 1100 > 65535 || !free(port + 1000) || !free(port + 1100)) {
                continue;
            }
            int nbd;
            do {
                nbd = pickOne();
            } while (nbd == port || nbd == port + 1000 || nbd == port + 1100);
            return new int[] {port, nbd};
        }
        throw new IllegalStateException("no sheep port with free membership ports found on the loopback address");
    }

    /**
     * Port bases for {@code nodes} daemons numbered from 0, as scripts/start-sheepdog lays them out: node i uses
     * sheep port {@code base + i} (and its membership ports {@code base + i + 1000}, {@code base + i + 1100}) and NBD
     * port {@code nbdBase + i}. Every one of these ports was free when picked, and the ranges do not overlap.
     *
     * @return {@code {base, nbdBase}}
     */
    public static int[] pickSheepRange(int nodes) {
        if (nodes < 1 || nodes > 100) {
            throw new IllegalArgumentException("nodes must be in 1..100: " + nodes);
        }
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = pickOne();
            if (base + nodes - 1 + 1100 > 65535 || !freeRange(base, nodes) || !freeRange(base + 1000, nodes)
                    || !freeRange(base + 1100, nodes)) {
                continue;
            }
            int nbd = pickOne();
            if (nbd + nodes - 1 > 65535 || !freeRange(nbd, nodes) || overlaps(nbd, base, nodes)
                    || overlaps(nbd, base + 1000, nodes) || overlaps(nbd, base + 1100, nodes)) {
                continue;
            }
            return new int[] {base, nbd};
        }
        throw new IllegalStateException("no free port ranges for " + nodes + " sheep found on the loopback address");
    }

    private static boolean freeRange(int first, int count) {
        for (int p = first; p < first + count; p++) {
            if (!free(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean overlaps(int a, int b, int count) {
        return a < b + count && b < a + count;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int pickOne() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an ephemeral port on the loopback address", e);
        }
    }
}
