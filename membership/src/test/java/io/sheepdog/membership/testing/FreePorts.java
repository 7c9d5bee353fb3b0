package io.sheepdog.membership.testing;

import io.sheepdog.membership.MembershipConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on 127.0.0.1, for membership ports whose failure-detection port (+100) is free as well. */
public final class FreePorts {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** A port p with p and p + {@link MembershipConfig#FD_PORT_OFFSET} .. +5 free right now. */
    public static synchronized int membershipPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = any();
            if (p + MembershipConfig.FD_PORT_OFFSET + 5 > 65535 || HANDED_OUT.contains(p)) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i <= 5 && ok; i++) {
                ok = free(p + MembershipConfig.FD_PORT_OFFSET + i);
            }
            if (ok) {
                HANDED_OUT.add(p);
                return p;
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    /** Any free port. */
    public static int any() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
