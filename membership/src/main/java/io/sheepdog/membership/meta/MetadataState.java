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
 */
public record MetadataState(ClusterFormat format, Map<Integer, VdiEntry> vdis, List<Epoch> epochs,
                            Map<String, String> session, long version, boolean shuttingDown,
                            SortedSet<Integer> retiredVids) {
    /** The state of a never formatted cluster. */
    public static final MetadataState EMPTY = new MetadataState(null, Map.of(), List.of(), Map.of(), 0);

    public MetadataState {
        vdis = Collections.unmodifiableMap(new TreeMap<>(vdis));
        epochs = List.copyOf(epochs);
        session = Collections.unmodifiableMap(new TreeMap<>(session));
        retiredVids = Collections.unmodifiableSortedSet(retiredVids == null ? new TreeSet<>()
                : new TreeSet<>(retiredVids));
    }

    /** A state that is not shutting down and has no deleted VDIs. */
    public MetadataState(ClusterFormat format, Map<Integer, VdiEntry> vdis, List<Epoch> epochs,
                         Map<String, String> session, long version) {
        this(format, vdis, epochs, session, version, false, null);
    }

    /** This state as of {@code newVersion}. */
    MetadataState withVersion(long newVersion) {
        return new MetadataState(format, vdis, epochs, session, newVersion, shuttingDown, retiredVids);
    }

    /** This state with another VDI table. */
    MetadataState withVdis(Map<Integer, VdiEntry> newVdis) {
        return new MetadataState(format, newVdis, epochs, session, version, shuttingDown, retiredVids);
    }

    /** This state without VDI {@code vid}, whose id is retired. */
    MetadataState withVdiDeleted(int vid) {
        Map<Integer, VdiEntry> newVdis = new TreeMap<>(vdis);
        newVdis.remove(vid);
        SortedSet<Integer> retired = new TreeSet<>(retiredVids);
        retired.add(vid);
        return new MetadataState(format, newVdis, epochs, session, version, shuttingDown, retired);
    }

    /** This state with another epoch history and session. */
    MetadataState withEpochs(List<Epoch> newEpochs, Map<String, String> newSession) {
        return new MetadataState(format, vdis, newEpochs, newSession, version, false, retiredVids);
    }

    /** This state marked as shutting down. */
    MetadataState shutDown() {
        return new MetadataState(format, vdis, epochs, session, version, true, retiredVids);
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
