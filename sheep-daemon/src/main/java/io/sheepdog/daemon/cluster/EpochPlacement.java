package io.sheepdog.daemon.cluster;

import io.sheepdog.daemon.peer.Placement;
import io.sheepdog.membership.Epoch;
import io.sheepdog.membership.NodeAddress;
import io.sheepdog.membership.NodeId;
import io.sheepdog.membership.meta.ClusterMetadataService;
import io.sheepdog.membership.ring.HashRing;
import java.util.List;
import java.util.Optional;

/**
 * Placement from the replicated epoch history: the replicas of an object are those of the consistent-hash ring of
 * the current epoch's nodes. The ring is built once per epoch.
 */
public final class EpochPlacement implements Placement {
    private final ClusterMetadataService metadata;
    private final NodeId self;
    private volatile Built current = new Built(null, new HashRing(List.of()));

    public EpochPlacement(ClusterMetadataService metadata, NodeId self) {
        this.metadata = metadata;
        this.self = self;
    }

    @Override
    public long epoch() {
        return metadata.state().epochNumber();
    }

    @Override
    public NodeId self() {
        return self;
    }

    @Override
    public List<NodeAddress> dataNodes() {
        return ring().nodes().stream().filter(n -> n.vnodes() > 0).toList();
    }

    @Override
    public List<NodeAddress> replicas(long oid, int copies) {
        return ring().placement(oid, copies);
    }

    @Override
    public Snapshot snapshot() {
        Built b = built();
        long number = b.epoch == null ? 0 : b.epoch.number();
        Optional<Epoch> before = metadata.state().epochs().stream().filter(e -> e.number() == number - 1)
                .findFirst();
        return snapshotOf(number, b.ring, before.map(e -> snapshotOf(e.number(), new HashRing(e.nodes()), null)));
    }

    private static Snapshot snapshotOf(long number, HashRing ring, Optional<Snapshot> previous) {
        return new Snapshot() {
            @Override
            public long epoch() {
                return number;
            }

            @Override
            public List<NodeAddress> dataNodes() {
                return ring.nodes().stream().filter(n -> n.vnodes() > 0).toList();
            }

            @Override
            public List<NodeAddress> replicas(long oid, int copies) {
                return ring.placement(oid, copies);
            }

            @Override
            public Optional<Snapshot> previous() {
                return previous == null ? Optional.empty() : previous;
            }
        };
    }

    /** The ring of the current epoch. */
    public HashRing ring() {
        return built().ring;
    }

    private Built built() {
        Epoch epoch = metadata.state().currentEpoch().orElse(null);
        Built b = current;
        if (epoch != b.epoch && (epoch == null || !epoch.equals(b.epoch))) {
            b = new Built(epoch, new HashRing(epoch == null ? List.of() : epoch.nodes()));
            current = b;
        }
        return b;
    }

    private record Built(Epoch epoch, HashRing ring) {
    }
}
