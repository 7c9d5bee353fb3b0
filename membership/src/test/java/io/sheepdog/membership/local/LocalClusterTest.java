package io.sheepdog.membership.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sheepdog.membership.ClusterIdSource;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.MembershipChange;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.meta.ClusterStatus;
import io.sheepdog.membership.meta.MetadataException;
import io.sheepdog.membership.meta.Outcome;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.membership.testing.Await;
import io.sheepdog.membership.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-process membership and metadata: same contracts as the JGroups/Raft ones, no sockets. */
class LocalClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final LocalNetwork net = new LocalNetwork();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final NodeAddress a = TestCluster.node(7000, 0, 64);
    private final NodeAddress b = TestCluster.node(7001, 1, 64);
    private final NodeAddress c = TestCluster.node(7002, 2, 64);

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable x : open) {
            x.close();
        }
    }

    private LocalClusterNode node(NodeAddress addr) throws MembershipException {
        LocalClusterNode n = new LocalClusterNode(net, addr);
        open.add(n);
        n.start();
        return n;
    }

    private static VdiEntry vdi(String name, int vid) {
        return new VdiEntry(name, vid, 4L << 20, 1L, 2, 0, "", 0);
    }

    @Test
    void listenersSeeJoinsLeavesAndPartitionsInOrder() throws Exception {
        LocalMembership ma = new LocalMembership(net, a, ClusterIdSource.NONE);
        open.add(ma);
        BlockingQueue<MembershipChange> changes = new LinkedBlockingQueue<>();
        ma.addListener(changes::add);
        ma.start();
        LocalMembership mb = new LocalMembership(net, b, ClusterIdSource.NONE);
        open.add(mb);
        mb.start();
        assertThat(changes.poll(5, TimeUnit.SECONDS).joined()).extracting(MemberInfo::address).containsExactly(a);
        assertThat(changes.poll(5, TimeUnit.SECONDS).joined()).extracting(MemberInfo::address).containsExactly(b);
        assertThat(ma.isCoordinator()).isTrue();
        assertThat(mb.isCoordinator()).isFalse();

        net.partition(Set.of(a.id()), Set.of(b.id()));
        assertThat(changes.poll(5, TimeUnit.SECONDS).left()).extracting(MemberInfo::address).containsExactly(b);
        assertThat(mb.isCoordinator()).isTrue();
        net.heal();
        assertThat(changes.poll(5, TimeUnit.SECONDS).joined()).extracting(MemberInfo::address).containsExactly(b);
        mb.close();
        MembershipChange left = changes.poll(5, TimeUnit.SECONDS);
        assertThat(left.left()).extracting(MemberInfo::address).containsExactly(b);
        assertThat(left.members()).extracting(MemberInfo::address).containsExactly(a);

        // a late listener first hears the current members
        BlockingQueue<MembershipChange> late = new LinkedBlockingQueue<>();
        ma.addListener(late::add);
        assertThat(late.poll(5, TimeUnit.SECONDS).joined()).extracting(MemberInfo::address).containsExactly(a);
    }

    @Test
    void messagesAndRefusals() throws Exception {
        LocalMembership ma = new LocalMembership(net, a, () -> "cluster-1");
        LocalMembership mb = new LocalMembership(net, b, ClusterIdSource.NONE);
        LocalMembership mc = new LocalMembership(net, c, () -> "cluster-2");
        open.addAll(List.of(ma, mb, mc));
        List<String> inbox = new CopyOnWriteArrayList<>();
        mb.onMessage("t", (from, p) -> inbox.add(from.address().port() + new String(p, StandardCharsets.UTF_8)));
        ma.start();
        mb.start();
        ma.send(b.id(), "t", "x".getBytes(StandardCharsets.UTF_8));
        ma.broadcast("t", "y".getBytes(StandardCharsets.UTF_8));
        Await.until(WAIT, () -> inbox.size() == 2, () -> "inbox " + inbox);
        assertThat(inbox).containsExactly("7000x", "7000y");
        assertThatThrownBy(mc::start).isInstanceOf(MembershipException.class)
                .hasMessageContaining("formatted into cluster cluster-2, but this is cluster cluster-1");
        Await.until(WAIT, () -> mb.refusals().size() == 1, () -> "refusals " + mb.refusals());
        assertThat(mb.refusals().get(0).node()).contains(c.hostPort());
        assertThat(ma.members()).hasSize(2);
    }

    @Test
    void metadataCommitsOnTheMajorityEpochsFollowMembershipAndRestartsReplay() throws Exception {
        LocalClusterNode na = node(a);
        LocalClusterNode nb = node(b);
        LocalClusterNode nc = node(c);
        assertThat(na.metadata().status()).isEqualTo(ClusterStatus.waitingForFormat());
        String id = nb.metadata().format(2, false).get().clusterId();
        assertThat(na.metadata().state().clusterId()).isEqualTo(id);
        assertThat(nc.metadata().state().currentEpoch().orElseThrow().nodes()).containsExactlyInAnyOrder(a, b, c);
        nc.metadata().createVdi(vdi("v", 5)).get();
        assertThat(na.metadata().state().workingVdi("v")).isPresent();

        // partition c away: the majority moves on to epoch 2, c cannot commit
        net.partition(Set.of(a.id(), b.id()), Set.of(c.id()));
        Await.until(WAIT, () -> na.metadata().state().epochNumber() == 2, () -> "epochs " + na.metadata().state());
        assertThatThrownBy(() -> nc.metadata().createVdi(vdi("w", 6)).get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(MetadataException.class)
                .satisfies(e -> assertThat(((MetadataException) e).outcome()).isEqualTo(Outcome.NO_MAJORITY))
                .hasMessageContaining("1 of the 3");
        assertThat(nc.metadata().status().state()).isEqualTo(ClusterStatus.State.NO_MAJORITY);
        assertThat(nc.metadata().state().epochNumber()).isEqualTo(1);
        // the read barrier: the majority is up to date, the minority cannot know what it missed
        assertThat(na.metadata().sync().get().epochNumber()).isEqualTo(2);
        assertThatThrownBy(() -> nc.metadata().sync().get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(MetadataException.class)
                .satisfies(e -> assertThat(((MetadataException) e).outcome()).isEqualTo(Outcome.NO_MAJORITY));
        net.heal();
        // Each node applies the commit on its own thread: wait for both before comparing.
        Await.until(WAIT, () -> nc.metadata().state().epochNumber() == 3 && na.metadata().state().epochNumber() == 3,
                () -> "a: " + na.metadata().state() + ", c: " + nc.metadata().state());
        assertThat(nc.metadata().state().epochs()).isEqualTo(na.metadata().state().epochs());

        // restart c: it replays what it had applied
        nc.close();
        Await.until(WAIT, () -> na.metadata().state().epochNumber() == 4, () -> "a: " + na.metadata().state());
        LocalClusterNode nc2 = node(c);
        assertThat(nc2.metadata().state().workingVdi("v")).isPresent();
        Await.until(WAIT, () -> nc2.metadata().state().epochNumber() == 5, () -> "c2: " + nc2.metadata().state());
    }
}
