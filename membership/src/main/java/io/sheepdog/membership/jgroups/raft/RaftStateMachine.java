package io.sheepdog.membership.jgroups.raft;

import io.sheepdog.membership.meta.ClusterMetadata;
import io.sheepdog.membership.meta.CommandResult;
import io.sheepdog.membership.meta.MetadataCodec;
import io.sheepdog.membership.meta.MetadataCommand;
import io.sheepdog.membership.meta.MetadataListener;
import io.sheepdog.membership.meta.MetadataState;
import java.io.DataInput;
import java.io.DataOutput;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jgroups.raft.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts {@link ClusterMetadata} to jgroups-raft: committed log entries (JSON commands) are applied in log order on
 * the Raft thread, and the encoded {@link CommandResult} goes back to the submitter. Snapshots are the JSON
 * {@link MetadataState}. Listeners are told on a dedicated thread, in order; callers can wait until a given state
 * version was applied here ({@link #awaitVersion}), which gives read-your-writes on followers. The read barrier's
 * query ({@link MetadataCodec#appliedVersionQuery()}) is answered with the applied version and changes nothing.
 */
final class RaftStateMachine implements StateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RaftStateMachine.class);
    private static final int MAX_SNAPSHOT_BYTES = 256 << 20;

    private final ClusterMetadata metadata = new ClusterMetadata();
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private final TreeMap<Long, CompletableFuture<MetadataState>> waiters = new TreeMap<>();
    private final ExecutorService events;
    private final Runnable onChange;

    /**
     * @param name     names the listener thread
     * @param onChange run (on the listener thread) after every change, e.g. to re-check epochs
     */
    RaftStateMachine(String name, Runnable onChange) {
        this.onChange = onChange;
        this.events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metadata-events-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    MetadataState state() {
        return metadata.state();
    }

    void addListener(MetadataListener l) {
        listeners.add(l);
    }

    void removeListener(MetadataListener l) {
        listeners.remove(l);
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) {
        if (MetadataCodec.isAppliedVersionQuery(data, offset, length)) {
            // A read barrier (RAFT.getAsync, on the leader once a majority confirmed its leadership): answered from
            // the state, which holds every commit up to the leader's commit index; changes nothing.
            return MetadataCodec.encode(CommandResult.appliedVersion(metadata.state().version()));
        }
        MetadataCommand command = MetadataCodec.decodeCommand(data, offset, length);
        CommandResult result = metadata.apply(command);
        MetadataState after = metadata.state();
        if (!result.ok()) {
            LOG.debug("metadata command {} rejected: {}", command.getClass().getSimpleName(), result.message());
        }
        publish(after, l -> l.applied(command, result, after));
        return serializeResponse ? MetadataCodec.encode(result) : null;
    }

    @Override
    public void readContentFrom(DataInput in) throws Exception {
        int n = in.readInt();
        if (n < 0 || n > MAX_SNAPSHOT_BYTES) {
            throw new IllegalStateException("corrupt metadata snapshot: length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        MetadataState s = MetadataCodec.decodeState(b);
        metadata.restore(s);
        LOG.info("metadata restored from a snapshot: version {}, epoch {}, {} VDIs", s.version(), s.epochNumber(),
                s.vdis().size());
        publish(s, l -> l.restored(s));
    }

    @Override
    public void writeContentTo(DataOutput out) throws Exception {
        byte[] b = MetadataCodec.encode(metadata.state());
        out.writeInt(b.length);
        out.write(b);
    }

    /** Completes once this node applied state version {@code version} (at once if it already did). */
    CompletableFuture<MetadataState> awaitVersion(long version) {
        synchronized (waiters) {
            MetadataState s = metadata.state();
            if (s.version() >= version) {
                return CompletableFuture.completedFuture(s);
            }
            return waiters.computeIfAbsent(version, v -> new CompletableFuture<>());
        }
    }

    private void publish(MetadataState after, Consumer<MetadataListener> call) {
        List<CompletableFuture<MetadataState>> done;
        synchronized (waiters) {
            Map<Long, CompletableFuture<MetadataState>> reached = waiters.headMap(after.version(), true);
            done = List.copyOf(reached.values());
            reached.clear();
        }
        events.execute(() -> {
            for (MetadataListener l : listeners) {
                try {
                    call.accept(l);
                } catch (RuntimeException e) {
                    LOG.error("metadata listener {} failed", l, e);
                }
            }
            done.forEach(f -> f.complete(after));
            onChange.run();
        });
    }

    void close() {
        events.shutdown();
        try {
            events.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.shutdownNow();
    }
}
