package io.sheepdog.daemon.cluster;

import io.sheepdog.membership.Membership;
import io.sheepdog.membership.MembershipException;
import io.sheepdog.membership.MembershipListener;
import io.sheepdog.membership.MembershipChange;
import io.sheepdog.membership.NodeId;
import io.sheepdog.store.ObjectStore;
import io.sheepdog.store.StoreException;
import io.sheepdog.store.StoreStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's store space, for {@code collie node info}: each node broadcasts its {@link StoreStats} on the
 * membership channel periodically and whenever a member joins, and keeps the latest figures of every member.
 */
public final class NodeStatsBoard implements MembershipListener, AutoCloseable {
    static final String TOPIC = "node-stats";
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatsBoard.class);
    private static final int MESSAGE_SIZE = 4 * Long.BYTES;

    private final Membership membership;
    private final ObjectStore store;
    private final Map<NodeId, StoreStats> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public NodeStatsBoard(Membership membership, ObjectStore store, ScheduledExecutorService timer,
                          Duration period) {
        this.membership = membership;
        this.store = store;
        this.timer = timer;
        membership.onMessage(TOPIC, (from, payload) -> {
            if (payload.length == MESSAGE_SIZE) {
                ByteBuffer b = ByteBuffer.wrap(payload);
                latest.put(from.address().id(), new StoreStats(b.getLong(), b.getLong(), b.getLong(), b.getLong()));
            }
        });
        membership.addListener(this);
        timer.scheduleWithFixedDelay(this::publish, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The latest figures of {@code node}; this node's are always current. */
    public Optional<StoreStats> stats(NodeId node) {
        if (node.equals(membership.self().id())) {
            try {
                return Optional.of(store.stats());
            } catch (StoreException e) {
                LOG.warn("cannot read the store's space figures: {}", e.getMessage());
            }
        }
        return Optional.ofNullable(latest.get(node));
    }

    @Override
    public void membersChanged(MembershipChange change) {
        if (!change.joined().isEmpty()) {
            timer.execute(this::publish);
        }
    }

    private void publish() {
        try {
            StoreStats s = store.stats();
            ByteBuffer b = ByteBuffer.allocate(MESSAGE_SIZE);
            b.putLong(s.capacityBytes()).putLong(s.usedBytes()).putLong(s.freeBytes()).putLong(s.objectCount());
            membership.broadcast(TOPIC, b.array());
        } catch (StoreException | MembershipException | RuntimeException e) {
            LOG.debug("publishing store space failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        membership.removeListener(this);
    }
}
