package io.sheepdog.membership.meta;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.sheepdog.membership.Epoch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable snapshot of the cluster metadata, safe to read from any thread. It is also the snapshot format of
 * the replicated log (JSON, {@link MetadataCodec}).
 *
 * @param format  the format record, null before format
 * @param vdis    every VDI by id
 * @param epochs  the epoch history, oldest first
 * @param session the incarnation of every member when the cluster last started or changed epoch, keyed by node
 *                id (hex); tells a cluster that kept running from one that restarted ({@link EpochDecider})
 * @param version how many commands were applied to reach this state (rejected ones included): equal on every node
 *                after the same commands, so a node can wait until it has applied a command committed elsewhere
 * @param shuttingDown the operator shut the cluster down ({@link MetadataCommand.Shutdown}) and it has not run
 *                     again since: nodes leaving are not failures, no epoch starts (absent in snapshots written
 *                     before it existed: false)
 * @param retiredVids the ids of deleted VDIs, never given to a VDI again (as in Sheepdog): objects of a deleted VDI
 *                    that outlive it (a node that was down, a crash mid-delete) can never be taken for a new VDI's,
 *                    and a gateway still holding a deleted VDI's inode can only reach that VDI's objects (absent in
 *                    snapshots written before it existed: none)
 * @param locks       the write lock of every locked working VDI, by name ({@link VdiLock})
 * @param lockGenerations the last lock generation granted for each name ever locked: the next grant gets one more,
 *                        so a generation is never reused, not even after the VDI was deleted and made again
 * @param sharedVdis  the names of the VDIs whose writers take no lock ({@link MetadataCommand.SetVdiShared})
 */
public record MetadataState(ClusterFormat format, Map<Integer, VdiEntry> vdis, List<Epoch> epochs,
                            Map<String, String> session, long version, boolean shuttingDown,
                            SortedSet<Integer> retiredVids, Map<String, VdiLock> locks,
                            Map<String, Long> lockGenerations, SortedSet<String> sharedVdis) {
    /** The state of a never formatted cluster. */
    public static final MetadataState EMPTY = new MetadataState(null, Map.of(), List.of(), Map.of(), 0);

    public MetadataState {
        vdis = Collections.unmodifiableMap(new TreeMap<>(vdis));
        epochs = List.copyOf(epochs);
        session = Collections.unmodifiableMap(new TreeMap<>(session));
        retiredVids = Collections.unmodifiableSortedSet(retiredVids == null ? new TreeSet<>()
                : new TreeSet<>(retiredVids));
        // Absent in snapshots written before locks existed: none.
        locks = Collections.unmodifiableMap(locks == null ? new TreeMap<>() : new TreeMap<>(locks));
        lockGenerations = Collections.unmodifiableMap(lockGenerations == null ? new TreeMap<>()
                : new TreeMap<>(lockGenerations));
        sharedVdis = Collections.unmodifiableSortedSet(sharedVdis == null ? new TreeSet<>()
                : new TreeSet<>(sharedVdis));
    }

    /** A state that is not shutting down and has no deleted VDIs. */
    public MetadataState(ClusterFormat format, Map<Integer, VdiEntry> vdis, List<Epoch> epochs,
                         Map<String, String> session, long version) {
        this(format, vdis, epochs, session, version, false, null, null, null, null);
    }

    /** This state as of {@code newVersion}. */
    MetadataState withVersion(long newVersion) {
        return new MetadataState(format, vdis, epochs, session, newVersion, shuttingDown, retiredVids, locks,
                lockGenerations, sharedVdis);
    }

    /** This state with another VDI table. */
    MetadataState withVdis(Map<Integer, VdiEntry> newVdis) {
        return new MetadataState(format, newVdis, epochs, session, version, shuttingDown, retiredVids, locks,
                lockGenerations, sharedVdis);
    }

    /** This state without VDI {@code vid}, whose id is retired. */
    MetadataState withVdiDeleted(int vid) {
        Map<Integer, VdiEntry> newVdis = new TreeMap<>(vdis);
        newVdis.remove(vid);
        SortedSet<Integer> retired = new TreeSet<>(retiredVids);
        retired.add(vid);
        return new MetadataState(format, newVdis, epochs, session, version, shuttingDown, retired, locks,
                lockGenerations, sharedVdis);
    }

    /** This state with another epoch history and session. */
    MetadataState withEpochs(List<Epoch> newEpochs, Map<String, String> newSession) {
        return new MetadataState(format, vdis, newEpochs, newSession, version, false, retiredVids, locks,
                lockGenerations, sharedVdis);
    }

    /** This state marked as shutting down. */
    MetadataState shutDown() {
        return new MetadataState(format, vdis, epochs, session, version, true, retiredVids, locks,
                lockGenerations, sharedVdis);
    }

    /** This state with the lock of {@code name} replaced by {@code lock} (null: unlocked). */
    MetadataState withLock(String name, VdiLock lock) {
        Map<String, VdiLock> newLocks = new TreeMap<>(locks);
        Map<String, Long> generations = new TreeMap<>(lockGenerations);
        if (lock == null) {
            newLocks.remove(name);
        } else {
            newLocks.put(name, lock);
            generations.merge(name, lock.generation(), Math::max);
        }
        return new MetadataState(format, vdis, epochs, session, version, shuttingDown, retiredVids, newLocks,
                generations, sharedVdis);
    }

    /** This state with {@code name} shared or not. */
    MetadataState withShared(String name, boolean shared) {
        SortedSet<String> names = new TreeSet<>(sharedVdis);
        if (shared) {
            names.add(name);
        } else {
            names.remove(name);
        }
        return new MetadataState(format, vdis, epochs, session, version, shuttingDown, retiredVids, locks,
                lockGenerations, names);
    }

    /** The write lock of the working VDI {@code name}, if it is locked. */
    public Optional<VdiLock> lock(String name) {
        return Optional.ofNullable(locks.get(name));
    }

    /** The generation the next grant of {@code name}'s lock gets. */
    long nextLockGeneration(String name) {
        return lockGenerations.getOrDefault(name, 0L) + 1;
    }

    /** Whether the writers of VDI {@code name} take no lock. */
    public boolean shared(String name) {
        return sharedVdis.contains(name);
    }

    /**
     * Whether a write to the working VDI {@code name} carrying lock generation {@code generation} may apply: the
     * generation of the lock if it is locked, 0 (no lock) if it is not or is shared. A writer whose lock was released
     * or passed on carries an older generation and is refused: the fence.
     */
    public boolean writeAllowed(String name, long generation) {
        VdiLock l = locks.get(name);
        return l == null ? generation == 0 : l.generation() == generation;
    }

    /** Whether {@code vid} belongs to a VDI, or belonged to one that was deleted: a new VDI cannot have it. */
    public boolean vidTaken(int vid) {
        return vdis.containsKey(vid) || retiredVids.contains(vid);
    }

    /** The format record, empty before format. */
    @JsonIgnore
    public Optional<ClusterFormat> formatRecord() {
        return Optional.ofNullable(format);
    }

    /** The cluster id, empty before format. */
    @JsonIgnore
    public String clusterId() {
        return format == null ? "" : format.clusterId();
    }

    /** The current epoch number, 0 before format. */
    @JsonIgnore
    public long epochNumber() {
        return epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).number();
    }

    /** The current epoch, empty before format. */
    @JsonIgnore
    public Optional<Epoch> currentEpoch() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    /** The epoch history newest first, as {@code collie cluster info} prints it. */
    @JsonIgnore
    public List<Epoch> epochsNewestFirst() {
        List<Epoch> l = new ArrayList<>(epochs);
        Collections.reverse(l);
        return l;
    }

    public Optional<VdiEntry> vdi(int vid) {
        return Optional.ofNullable(vdis.get(vid));
    }

    /** The working VDI of this name. */
    public Optional<VdiEntry> workingVdi(String name) {
        return vdis.values().stream().filter(v -> !v.deleted() && v.isWorking() && v.name().equals(name)).findFirst();
    }

    /** The snapshots of {@code name}, oldest first. */
    public List<VdiEntry> snapshots(String name) {
        return vdis.values().stream().filter(v -> !v.deleted() && !v.isWorking() && v.name().equals(name))
                .sorted(Comparator.comparingInt(VdiEntry::snapshotId)).toList();
    }

    /** The snapshot of {@code name} tagged {@code tag}. */
    public Optional<VdiEntry> snapshot(String name, String tag) {
        return vdis.values().stream().filter(v -> !v.deleted() && !v.isWorking() && v.name().equals(name)
                && v.tag().equals(tag)).findFirst();
    }

    /** The snapshot of {@code name} numbered {@code snapshotId}. */
    public Optional<VdiEntry> snapshot(String name, int snapshotId) {
        return vdis.values().stream().filter(v -> !v.deleted() && snapshotId > 0 && v.snapshotId() == snapshotId
                && v.name().equals(name)).findFirst();
    }

    /** The entries made from {@code vid}: its snapshot's working child, its clones (deleted ones included). */
    public List<VdiEntry> children(int vid) {
        return vdis.values().stream().filter(v -> v.parentVid() == vid).toList();
    }

    /** Every VDI but the deleted ones kept for their children, sorted by name then snapshot id. */
    @JsonIgnore
    public List<VdiEntry> vdisByName() {
        List<VdiEntry> l = new ArrayList<>(vdis.values().stream().filter(v -> !v.deleted()).toList());
        l.sort(Comparator.comparing(VdiEntry::name).thenComparingInt(VdiEntry::snapshotId));
        return l;
    }
}
