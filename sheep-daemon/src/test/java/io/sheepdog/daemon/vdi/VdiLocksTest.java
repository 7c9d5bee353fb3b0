package io.sheepdog.daemon.vdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Ticker;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.testing.cluster.Poll;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.local.LocalClusterNode;
import io.sheepdog.membership.local.LocalNetwork;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.VdiEntry;
import io.sheepdog.membership.meta.VdiLock;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's side of the write locks over the in-process cluster metadata of two nodes: sharing among a client's
 * connections, refusal and waiting, release, the fence on writes, and a migration's hand-over.
 */
class VdiLocksTest {
    private static final NodeAddress A = new NodeAddress(new NodeId(1), "127.0.0.1", 7000, 10809, 1, 128);
    private static final NodeAddress B = new NodeAddress(new NodeId(2), "127.0.0.2", 7000, 10809, 2, 128);
    private static final LockTimings WAIT = new LockTimings(Duration.ofSeconds(2), Duration.ofMillis(100));

    private final LocalNetwork network = new LocalNetwork();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<LocalClusterNode> nodes = new ArrayList<>();
    private VdiLocks viaA;
    private VdiLocks viaB;

    @BeforeEach
    void twoNodesAndAVdi() throws Exception {
        viaA = locksOn(A);
        viaB = locksOn(B);
        nodes.get(0).metadata().format(2, false).get(10, TimeUnit.SECONDS);
        nodes.get(0).metadata().createVdi(new VdiEntry("alice", 10, 1 << 30, 1, 2, 0, "", 0))
                .get(10, TimeUnit.SECONDS);
    }

    private VdiLocks locksOn(NodeAddress address) throws Exception {
        LocalClusterNode n = new LocalClusterNode(network, address);
        n.start();
        nodes.add(n);
        VdiLocks locks = new VdiLocks(n.metadata(), n.membership()::selfInfo, Clock.systemUTC(),
                Ticker.systemTicker(), timer, WAIT);
        n.metadata().addListener(locks);
        return locks;
    }

    @AfterEach
    void close() {
        nodes.forEach(LocalClusterNode::close);
        timer.shutdownNow();
    }

    private static WriteAttachment attached(CompletableFuture<WriteAttachment> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private Optional<VdiLock> lock() throws Exception {
        return nodes.get(0).metadata().sync().get(10, TimeUnit.SECONDS).lock("alice");
    }

    private static SheepException refusal(CompletableFuture<?> f) {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return SheepException.of(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aClientsConnectionsShareOneLockThatTheLastOneReleases() throws Exception {
        WriteAttachment first = attached(viaA.attach("alice", "10.0.0.5"));
        WriteAttachment second = attached(viaA.attach("alice", "10.0.0.5"));
        assertThat(first.generation()).isEqualTo(1).isEqualTo(second.generation());
        assertThat(viaA.attachedClients()).isEqualTo(1);
        first.beforeWrite().get(1, TimeUnit.SECONDS);

        first.close();
        first.close(); // idempotent: must not release the second connection's share
        assertThat(lock()).isPresent();
        second.beforeWrite().get(1, TimeUnit.SECONDS);
        second.close();
        waitUntil("the lock released", () -> lock().isEmpty());
        assertThat(viaA.attachedClients()).isZero();
    }

    @Test
    void anotherClientIsRefusedAfterTheWaitWithTheHolderNamed() throws Exception {
        WriteAttachment holder = attached(viaA.attach("alice", "10.0.0.5"));
        SheepException e = refusal(viaB.attach("alice", "10.0.0.6"));
        assertThat(e.result()).isEqualTo(ResultCode.VDI_LOCKED);
        assertThat(e.getMessage()).startsWith("VDI alice is locked by 10.0.0.5 through node 127.0.0.1:7000 since ");
        assertThat(viaB.attachedClients()).as("a refused attach leaves nothing behind").isZero();
        holder.beforeWrite().get(1, TimeUnit.SECONDS);
        assertThat(lock().orElseThrow().holder().client()).isEqualTo("10.0.0.5");
    }

    @Test
    void anAttachWaitingForTheLockGetsItWhenTheHolderDetaches() throws Exception {
        WriteAttachment holder = attached(viaA.attach("alice", "10.0.0.5"));
        CompletableFuture<WriteAttachment> waiting = viaB.attach("alice", "10.0.0.6");
        assertThat(waiting).isNotDone();
        holder.close();
        WriteAttachment next = attached(waiting);
        assertThat(next.generation()).isEqualTo(2);
        assertThat(lock().orElseThrow().holder().node()).isEqualTo("127.0.0.2:7000");
        assertThatThrownBy(() -> holder.beforeWrite().get(1, TimeUnit.SECONDS))
                .as("the old attachment is fenced").hasRootCauseInstanceOf(SheepException.class);
    }

    @Test
    void aBrokenLockFencesItsHoldersWrites() throws Exception {
        WriteAttachment holder = attached(viaA.attach("alice", "10.0.0.5"));
        nodes.get(1).metadata().submit(new MetadataCommand.UnlockVdi("alice", 1)).get(10, TimeUnit.SECONDS);
        waitUntil("the break applied on A", () -> nodes.get(0).metadata().state().lock("alice").isEmpty());
        SheepException e = refusal(holder.beforeWrite());
        assertThat(e.result()).isEqualTo(ResultCode.VDI_LOCKED);
        assertThat(e.getMessage()).isEqualTo("this client lost the write lock of VDI alice: it was released "
                + "(broken by an operator, or this node's lease ended)");
        holder.close(); // releases nothing: the lock is not its own any more
        assertThat(lock()).isEmpty();
    }

    @Test
    void aMigrationsDestinationTakesTheLockWithItsFirstWrite() throws Exception {
        WriteAttachment source = attached(viaA.attach("alice", "10.0.0.5"));
        nodes.get(0).metadata().submit(new MetadataCommand.MigrateVdiLock("alice", 1, B.id().toString()))
                .get(10, TimeUnit.SECONDS);
        WriteAttachment destination = attached(viaB.attach("alice", "10.0.0.5"));
        assertThat(destination.standby()).isTrue();
        source.beforeWrite().get(1, TimeUnit.SECONDS);

        destination.beforeWrite().get(10, TimeUnit.SECONDS);
        assertThat(destination.standby()).isFalse();
        assertThat(destination.generation()).isEqualTo(2);
        waitUntil("the hand-over applied on A",
                () -> nodes.get(0).metadata().state().lock("alice").orElseThrow().generation() == 2);
        assertThat(refusal(source.beforeWrite()).result()).as("the source is fenced").isEqualTo(ResultCode.VDI_LOCKED);
        source.close();
        destination.beforeWrite().get(1, TimeUnit.SECONDS);
        assertThat(lock().orElseThrow().holder().node()).isEqualTo("127.0.0.2:7000");
    }

    @Test
    void aSharedVdiTakesNoLock() throws Exception {
        nodes.get(0).metadata().submit(new MetadataCommand.SetVdiShared("alice", true)).get(10, TimeUnit.SECONDS);
        waitUntil("shared on B", () -> nodes.get(1).metadata().state().shared("alice"));
        WriteAttachment one = attached(viaA.attach("alice", "10.0.0.5"));
        WriteAttachment two = attached(viaB.attach("alice", "10.0.0.6"));
        assertThat(one.generation()).isZero();
        one.beforeWrite().get(1, TimeUnit.SECONDS);
        two.beforeWrite().get(1, TimeUnit.SECONDS);
        assertThat(lock()).isEmpty();
    }

    /** A condition that turns true as metadata commands apply on other threads. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitUntil(String what, Check check) {
        Poll.until(what, Duration.ofSeconds(10), why -> check.holds() ? Optional.of(true) : Optional.empty());
    }
}
