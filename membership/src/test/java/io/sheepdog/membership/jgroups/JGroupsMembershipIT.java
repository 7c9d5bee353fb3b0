package io.sheepdog.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.membership.ClusterIdSource;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.MembershipChange;
import io.sheepdog.membership.MembershipConfig;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.testing.Await;
import io.sheepdog.membership.testing.FreePorts;
import io.sheepdog.membership.testing.TestCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real JGroups channels on 127.0.0.1: joins, leaves, rejoins, messages, refusals, UDP multicast. */
@Tag("slow")
class JGroupsMembershipIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private final List<JGroupsMembership> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(JGroupsMembership::close);
    }

    private JGroupsMembership start(MembershipConfig c) throws MembershipException {
        JGroupsMembership m = new JGroupsMembership(c, ClusterIdSource.NONE);
        open.add(m);
        m.start();
        return m;
    }

    private static void awaitSize(JGroupsMembership m, int n) {
        Await.until(WAIT, () -> m.members().size() == n, () -> m.self().hostPort() + " sees " + m.members());
    }

    private static List<NodeAddress> addresses(JGroupsMembership m) {
        return m.members().stream().map(MemberInfo::address).toList();
    }

    @Test
    void threeNodesJoinSeeTheSameMembersAndTheOthersLeaveAndRejoin() throws Exception {
        List<MembershipConfig> cs = TestCluster.tcp("members", 3);
        JGroupsMembership a = start(cs.get(0));
        BlockingQueue<MembershipChange> changes = new LinkedBlockingQueue<>();
        a.addListener(changes::add);
        JGroupsMembership b = start(cs.get(1));
        JGroupsMembership c = start(cs.get(2));
        for (JGroupsMembership m : List.of(a, b, c)) {
            awaitSize(m, 3);
        }
        List<NodeAddress> expected = cs.stream().map(MembershipConfig::self)
                .sorted((x, y) -> Long.compare(x.id().value(), y.id().value())).toList();
        assertThat(addresses(a)).isEqualTo(expected);
        assertThat(addresses(b)).isEqualTo(expected);
        assertThat(addresses(c)).isEqualTo(expected);
        assertThat(a.isCoordinator()).isTrue();
        assertThat(b.isCoordinator()).isFalse();

        // the listener saw a, then b, then c join, in that order, on its own thread
        List<NodeAddress> joinedInOrder = new ArrayList<>();
        while (joinedInOrder.size() < 3) {
            MembershipChange ch = changes.poll(10, TimeUnit.SECONDS);
            assertThat(ch).as("membership change").isNotNull();
            ch.joined().forEach(m -> joinedInOrder.add(m.address()));
        }
        assertThat(joinedInOrder).containsExactly(cs.get(0).self(), cs.get(1).self(), cs.get(2).self());

        long t0 = System.nanoTime();
        MemberInfo cInfo = c.selfInfo();
        c.close();
        MembershipChange left = changes.poll(10, TimeUnit.SECONDS);
        assertThat(left).isNotNull();
        assertThat(left.left()).containsExactly(cInfo);
        assertThat(left.members()).hasSize(2);
        System.out.printf("a closed member left the view after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        awaitSize(b, 2);

        JGroupsMembership c2 = start(cs.get(2));
        MembershipChange rejoined = changes.poll(10, TimeUnit.SECONDS);
        assertThat(rejoined).isNotNull();
        assertThat(rejoined.joined()).extracting(MemberInfo::address).containsExactly(cs.get(2).self());
        assertThat(rejoined.joined().get(0).incarnation()).isNotEqualTo(cInfo.incarnation());
        awaitSize(c2, 3);
    }

    @Test
    void typedMessagesReachOneOrAll() throws Exception {
        List<MembershipConfig> cs = TestCluster.tcp("messages", 3);
        List<JGroupsMembership> ms = new ArrayList<>();
        List<List<String>> got = new ArrayList<>();
        for (MembershipConfig c : cs) {
            JGroupsMembership m = new JGroupsMembership(c, ClusterIdSource.NONE);
            open.add(m);
            List<String> inbox = new CopyOnWriteArrayList<>();
            m.onMessage("greet", (from, payload) -> inbox.add(from.address().port() + ":"
                    + new String(payload, StandardCharsets.UTF_8)));
            m.start();
            ms.add(m);
            got.add(inbox);
        }
        for (JGroupsMembership m : ms) {
            awaitSize(m, 3);
        }
        ms.get(0).broadcast("greet", "hello all".getBytes(StandardCharsets.UTF_8));
        ms.get(1).send(cs.get(2).self().id(), "greet", "hello c".getBytes(StandardCharsets.UTF_8));
        String fromA = cs.get(0).self().port() + ":hello all";
        String fromB = cs.get(1).self().port() + ":hello c";
        Await.until(WAIT, () -> got.get(2).size() == 2 && got.get(0).size() == 1 && got.get(1).size() == 1,
                () -> "inboxes " + got);
        assertThat(got.get(0)).containsExactly(fromA);
        assertThat(got.get(1)).containsExactly(fromA);
        assertThat(got.get(2)).containsExactlyInAnyOrder(fromA, fromB);
        assertThatThrownBy(() -> ms.get(0).send(TestCluster.node(1, 0, 1).id(), "greet", new byte[0]))
                .isInstanceOf(MembershipException.class).hasMessageContaining("not a member");
    }

    /**
     * Two groups that formed apart (here: b never hears of a, a started before b was up) become one through MERGE3.
     * The merge leader asks every subgroup coordinator, itself included, and the admission check once refused the
     * leader's own request, so no merge ever happened.
     */
    @Test
    void groupsFoundedApartMergeIntoOne() throws Exception {
        List<MembershipConfig> cs = TestCluster.tcp("merge", 2);
        JGroupsMembership a = start(cs.get(0));
        awaitSize(a, 1);
        InetAddress lo = InetAddress.getLoopbackAddress();
        MembershipConfig alone = MembershipConfig.of(cs.get(1).self(), new MembershipConfig.TcpJoin(
                        List.of(new InetSocketAddress(lo, cs.get(1).bindPort()))))
                .withClusterName("merge").withBind(lo, cs.get(1).bindPort())
                .withFailureDetection(TestCluster.FAST_FD).withJoinTimeout(Duration.ofMillis(1000));
        JGroupsMembership b = start(alone);
        assertThat(b.members()).extracting(MemberInfo::address).containsExactly(alone.self());
        // MERGE3 looks for other groups every 5 to 15 s; the merge itself takes a few more.
        Duration mergeWait = Duration.ofSeconds(45);
        for (JGroupsMembership m : List.of(a, b)) {
            Await.until(mergeWait, () -> m.members().size() == 2, () -> m.self().hostPort() + " sees " + m.members());
        }
        assertThat(addresses(a)).containsExactlyInAnyOrderElementsOf(addresses(b));
        assertThat(a.refusals()).isEmpty();
        assertThat(b.refusals()).isEmpty();
    }

    @Test
    void incompatibleProtocolVersionIsRefusedWithAReasonOnBothSides() throws Exception {
        List<MembershipConfig> cs = TestCluster.tcp("versions", 3);
        JGroupsMembership a = start(cs.get(0));
        JGroupsMembership b = start(cs.get(1));
        awaitSize(a, 2);
        MembershipConfig newer = cs.get(2).withProtocolVersion(99);
        JGroupsMembership c = new JGroupsMembership(newer, ClusterIdSource.NONE);
        open.add(c);
        assertThatThrownBy(c::start).isInstanceOf(MembershipException.class)
                .hasMessageContaining("protocol version 99")
                .satisfies(e -> assertThat(((MembershipException) e).reason())
                        .isEqualTo(MembershipException.Reason.REFUSED));
        for (JGroupsMembership m : List.of(a, b)) {
            Await.until(WAIT, () -> !m.refusals().isEmpty(), () -> "no refusal on " + m.self().hostPort());
            assertThat(m.refusals().get(0).node()).contains(newer.self().hostPort());
            assertThat(m.refusals().get(0).reason()).contains("protocol version 99");
            assertThat(m.members()).hasSize(2);
        }
    }

    @Test
    void bindsToTheGivenAddressOnly() throws Exception {
        MembershipConfig c = TestCluster.tcp("bind", 1).get(0);
        JGroupsMembership a = start(c);
        awaitSize(a, 1);
        // Something else can still bind the same port on another local address: we did not take the wildcard.
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), c.bindPort()));
        }
        // The failure-detection socket too (membership port + 100).
        int fdPort = c.bindPort() + MembershipConfig.FD_PORT_OFFSET;
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), fdPort));
        }
        for (int port : new int[] {c.bindPort(), fdPort}) {
            assertThatThrownBy(() -> {
                try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
                }
            }).as("port %d is in use on 127.0.0.1", port).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void udpMulticastJoin() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        // TTL 0: the packets never leave this host.
        InetAddress group = InetAddress.getByName("239.77." + ThreadLocalRandom.current().nextInt(1, 255) + "."
                + ThreadLocalRandom.current().nextInt(1, 255));
        MembershipConfig.Multicast mc = new MembershipConfig.Multicast(group, FreePorts.any(), 0);
        List<JGroupsMembership> ms = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int port = FreePorts.membershipPort();
            MembershipConfig c = MembershipConfig.of(TestCluster.node(30_000 + i, i, 16), mc)
                    .withClusterName("udp").withBind(lo, port).withFailureDetection(TestCluster.FAST_FD)
                    .withJoinTimeout(Duration.ofMillis(1000));
            JGroupsMembership m = new JGroupsMembership(c, ClusterIdSource.NONE);
            open.add(m);
            try {
                m.start();
            } catch (MembershipException e) {
                Assumptions.abort("UDP multicast is not usable here: " + e.getMessage());
            }
            ms.add(m);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (ms.get(1).members().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Assumptions.assumeTrue(ms.get(1).members().size() == 2,
                "multicast on loopback does not deliver here (two singleton clusters)");
        assertThat(addresses(ms.get(0))).isEqualTo(addresses(ms.get(1)));
    }
}
