package io.sheepdog.membership;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event side every {@link Membership} implementation shares: turns successive member lists into
 * {@link MembershipChange}s, keeps the refusals, and calls listeners and message handlers on one dedicated thread in
 * order. A listener that throws is logged and does not stop the others.
 */
public final class MembershipEvents implements AutoCloseable {
    /** How many refusals every member remembers. */
    public static final int MAX_REFUSALS = 32;
    private static final Logger LOG = LoggerFactory.getLogger(MembershipEvents.class);

    private final ExecutorService thread;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, MessageHandler> handlers = new ConcurrentHashMap<>();
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private volatile List<MemberInfo> members = List.of();
    private long viewId;

    /** @param name names the event thread ("membership-events-" + name) */
    public MembershipEvents(String name) {
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "membership-events-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The members of the last {@link #membersChanged} call. */
    public List<MemberInfo> members() {
        return members;
    }

    /**
     * Publishes a new member list: deduplicates node ids (a later entry, the newer incarnation, wins), sorts by id,
     * and tells listeners what joined and left. No-op if nothing changed.
     */
    public synchronized void membersChanged(List<MemberInfo> viewOrder) {
        Map<NodeId, MemberInfo> byId = new LinkedHashMap<>();
        for (MemberInfo m : viewOrder) {
            byId.put(m.id(), m);
        }
        List<MemberInfo> next = new ArrayList<>(byId.values());
        next.sort(Comparator.comparingLong(m -> m.id().value()));
        List<MemberInfo> prev = members;
        Set<MemberInfo> before = new HashSet<>(prev);
        Set<MemberInfo> after = new HashSet<>(next);
        List<MemberInfo> joined = next.stream().filter(m -> !before.contains(m)).toList();
        List<MemberInfo> left = prev.stream().filter(m -> !after.contains(m)).toList();
        if (joined.isEmpty() && left.isEmpty()) {
            return;
        }
        members = List.copyOf(next);
        MembershipChange change = new MembershipChange(++viewId, next, joined, left);
        // The listeners of now: one added later is told the members as of its addition instead, never twice.
        List<MembershipListener> targets = List.copyOf(listeners);
        thread.execute(() -> {
            for (MembershipListener l : targets) {
                deliver(l, change);
            }
        });
    }

    public void addListener(MembershipListener l) {
        synchronized (this) {
            listeners.add(l);
            List<MemberInfo> now = members;
            if (!now.isEmpty()) {
                MembershipChange initial = new MembershipChange(viewId, now, now, List.of());
                thread.execute(() -> deliver(l, initial));
            }
        }
    }

    /** Removes a listener; changes already queued for it may still arrive. */
    public void removeListener(MembershipListener l) {
        listeners.remove(l);
    }

    public void onMessage(String topic, MessageHandler handler) {
        handlers.put(topic, handler);
    }

    /** Queues a received message for its topic's handler; messages of unknown topics are logged and dropped. */
    public void messageReceived(MemberInfo from, String topic, byte[] payload) {
        thread.execute(() -> {
            MessageHandler h = handlers.get(topic);
            if (h == null) {
                LOG.debug("no handler for topic {} (message from {})", topic, from.address().hostPort());
                return;
            }
            try {
                h.received(from, payload);
            } catch (RuntimeException e) {
                LOG.error("handler of topic {} failed on a message from {}", topic, from.address().hostPort(), e);
            }
        });
    }

    /** Records a refusal and tells listeners. */
    public void refused(Refusal r) {
        synchronized (refusals) {
            if (refusals.size() == MAX_REFUSALS) {
                refusals.removeFirst();
            }
            refusals.addLast(r);
        }
        thread.execute(() -> {
            for (MembershipListener l : listeners) {
                try {
                    l.refused(r);
                } catch (RuntimeException e) {
                    LOG.error("membership listener {} failed", l, e);
                }
            }
        });
    }

    public List<Refusal> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    /** Forgets the members (after leaving the group) without telling listeners. */
    public synchronized void reset() {
        members = List.of();
    }

    private static void deliver(MembershipListener l, MembershipChange change) {
        try {
            l.membersChanged(change);
        } catch (RuntimeException e) {
            LOG.error("membership listener {} failed on view {}", l, change.viewId(), e);
        }
    }

    /** Stops the event thread after the queued events ran (waits up to a second). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(1, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
