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
