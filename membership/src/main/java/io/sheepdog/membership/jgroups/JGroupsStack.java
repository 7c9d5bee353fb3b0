package io.sheepdog.membership.jgroups;

import io.sheepdog.membership.FailureDetection;
import io.sheepdog.membership.MembershipConfig;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.PING;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.UDP;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;

/**
 * Builds the JGroups protocol stack from a {@link MembershipConfig}, in code (no XML on disk), bottom first:
 *
 * <pre>
 * TCP + TCPPING   or   UDP + PING       transport and discovery (--join / --multicast), bound to --bind only;
 *                                        TCP over TLS 1.3 with node certificates on both sides when configured
 * MERGE3                                 heals partitions
 * FD_SOCK2                               a killed member is noticed when its socket closes (under 1 s)
 * FD_ALL3                                a hung member is suspected after the heartbeat timeout
 * VERIFY_SUSPECT2                        double-checks a suspicion before the member is removed
 * NAKACK2, UNICAST3, STABLE              reliable, ordered multicast and unicast; garbage collection
 * AdmissionAuth                          refuses nodes of another cluster or protocol version (below GMS)
 * GMS                                    views (join, leave, merge)
 * MFC, UFC, FRAG4                        flow control, fragmentation
 * (extra protocols on top, e.g. jgroups-raft's ELECTION2, RAFT, REDIRECT)
 * </pre>
 * The transport's diagnostics socket (a multicast listener on all interfaces) is disabled. FD_SOCK2's socket stays
 * plaintext (JGroups has no TLS for it): it carries no cluster messages, only the liveness handshake whose close
 * tells that a member died.
 */
final class JGroupsStack {
    private JGroupsStack() {
    }

    static List<Protocol> build(MembershipConfig c, AdmissionAuth admission, List<Protocol> top) {
        List<Protocol> stack = new ArrayList<>();
        if (c.discovery() instanceof MembershipConfig.TcpJoin join) {
            TCP tcp = new TCP();
            bind(tcp, c);
            c.tls().ifPresent(context -> tcp.setSocketFactory(new TLS().setProtocols(new String[] {"TLSv1.3"})
                    .setClientAuth(TLSClientAuth.NEED).createSocketFactory(context)));
            stack.add(tcp);
            stack.add(new TCPPING().setInitialHosts(join.initialHosts()).setPortRange(0));
        } else if (c.discovery() instanceof MembershipConfig.Multicast m) {
            UDP udp = new UDP();
            bind(udp, c);
            udp.setMulticastAddress(m.group());
            udp.setMulticastPort(m.port());
            udp.setIpTTL(m.ttl());
            stack.add(udp);
            stack.add(new PING());
        }
        FailureDetection fd = c.failureDetection();
        stack.add(new MERGE3().setMinInterval(5_000).setMaxInterval(15_000));
        stack.add(new FD_SOCK2().setBindAddress(c.bindAddress()).setOffset(MembershipConfig.FD_PORT_OFFSET)
                .setPortRange(5));
        stack.add(new FD_ALL3().setTimeout(fd.timeout().toMillis()).setInterval(fd.heartbeatInterval().toMillis()));
        stack.add(new VERIFY_SUSPECT2().setTimeout(fd.verifyTimeout().toMillis()));
        stack.add(new NAKACK2().useMcastXmit(false));
        stack.add(new UNICAST3());
        stack.add(new STABLE().setDesiredAverageGossip(50_000).setMaxBytes(4 << 20));
        stack.add(admission);
        stack.add(new GMS().setJoinTimeout(c.joinTimeout().toMillis()).printLocalAddress(false));
        stack.add(new MFC());
        stack.add(new UFC());
        stack.add(new FRAG4());
        stack.addAll(top);
        return stack;
    }

    private static void bind(TP tp, MembershipConfig c) {
        tp.setBindAddress(c.bindAddress());
        tp.setBindPort(c.bindPort());
        // Fail rather than silently take another port: the others were told this one.
        tp.setPortRange(0);
    }
}
