package io.sheepdog.daemon.cluster;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.peer.PeerConnections;
import io.sheepdog.daemon.vdi.SnapshotFreezer;
import io.sheepdog.membership.MemberInfo;
import io.sheepdog.membership.Membership;
import io.sheepdog.membership.NodeAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's {@link SnapshotFreezer}: asks every other live member (gateway-only nodes included: they serve NBD
 * too) over its peer connection to stop writing to a VDI ({@code VDI_FREEZE}), all at once, and waits for every
 * answer. A member that does not answer fails the freeze with its address.
 */
public final class PeerSnapshotFreezer implements SnapshotFreezer {
    private static final Logger LOG = LoggerFactory.getLogger(PeerSnapshotFreezer.class);

    private final Membership membership;
    private final PeerConnections peers;
    private final ExecutorService calls;

    public PeerSnapshotFreezer(Membership membership, PeerConnections peers) {
        this.membership = Objects.requireNonNull(membership, "membership");
        this.peers = Objects.requireNonNull(peers, "peers");
        ThreadPoolExecutor t = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread th = new Thread(r, "sheep-freeze");
                    th.setDaemon(true);
                    return th;
                });
        this.calls = t;
    }

    @Override
    public void freezeOthers(int vid) throws SheepException {
        List<NodeAddress> others = others();
        List<CompletableFuture<Void>> answers = new ArrayList<>(others.size());
        for (NodeAddress n : others) {
            answers.add(call(n, vid, true));
        }
        for (int i = 0; i < answers.size(); i++) {
            try {
                answers.get(i).join();
            } catch (CompletionException e) {
                SheepException cause = SheepException.of(e);
                throw new SheepException(cause.result() == ResultCode.NETWORK_ERROR ? ResultCode.HALT : cause.result(),
                        "node " + others.get(i).hostPort() + " did not stop writing to it: " + cause.getMessage(), e);
            }
        }
    }

    @Override
    public void thawOthers(int vid) {
        for (NodeAddress n : others()) {
            call(n, vid, false).exceptionally(t -> {
                LOG.warn("node {} was not told to write to VDI id {} again (it will by itself): {}", n.hostPort(),
                        Integer.toHexString(vid), SheepException.unwrap(t).getMessage());
                return null;
            });
        }
    }

    private List<NodeAddress> others() {
        NodeAddress self = membership.self();
        return membership.members().stream().map(MemberInfo::address).filter(a -> !a.id().equals(self.id()))
                .toList();
    }

    private CompletableFuture<Void> call(NodeAddress node, int vid, boolean frozen) {
        return peers.get(node).thenAcceptAsync(p -> {
            try {
                p.connection().freeze(vid, frozen);
            } catch (SheepException e) {
                throw new CompletionException(e);
            }
        }, calls);
    }
}
