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
 * Every node's store space, for {@code collie node info}: each node looks at its {@link StoreStats} every period and
 * broadcasts them on the membership channel when they changed (so node info shows a write or a delete about a period
 * later), when a member joins, and at least every {@link #QUIET_PERIODS} periods; it keeps the latest figures of
 * every member. An idle cluster sends almost nothing.
 */
public final class NodeStatsBoard implements MembershipListener, AutoCloseable {
    static final String TOPIC = "node-stats";
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatsBoard.class);
    private static final int MESSAGE_SIZE = 4 * Long.BYTES;
    /** Periods without a change after which a node broadcasts its unchanged figures anyway. */
    static final int QUIET_PERIODS = 30;

    private final Membership membership;
    private final ObjectStore store;
    private final Map<NodeId, StoreStats> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    /** What this node broadcast last, and how many periods ago; guarded by {@code this}. */
    private StoreStats lastSent;
    private int quietPeriods;

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
        timer.scheduleWithFixedDelay(this::publishIfChanged, 0, period.toMillis(), TimeUnit.MILLISECONDS);
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

    private synchronized void publishIfChanged() {
        try {
            StoreStats s = store.stats();
            if (unchanged(s) && ++quietPeriods < QUIET_PERIODS) {
                return;
            }
            send(s);
        } catch (StoreException | MembershipException | RuntimeException e) {
            LOG.debug("publishing store space failed: {}", e.toString());
        }
    }

    private void publish() {
        try {
            send(store.stats());
        } catch (StoreException | MembershipException | RuntimeException e) {
            LOG.debug("publishing store space failed: {}", e.toString());
        }
    }

    private synchronized void send(StoreStats s) throws MembershipException {
        ByteBuffer b = ByteBuffer.allocate(MESSAGE_SIZE);
        b.putLong(s.capacityBytes()).putLong(s.usedBytes()).putLong(s.freeBytes()).putLong(s.objectCount());
        membership.broadcast(TOPIC, b.array());
        lastSent = s;
        quietPeriods = 0;
    }

    /**
     * Whether {@code s} says what was last sent. Free space is left out: other files on the same file system move
     * it all the time, and it is sent along with the next change.
     */
    private boolean unchanged(StoreStats s) {
        return lastSent != null && s.usedBytes() == lastSent.usedBytes() && s.objectCount() == lastSent.objectCount()
                && s.capacityBytes() == lastSent.capacityBytes();
    }

    @Override
    public void close() {
        membership.removeListener(this);
    }
}
