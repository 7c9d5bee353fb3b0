package io.sheepdog.daemon.vdi;

import io.sheepdog.membership.meta.VdiEntry;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The in-memory inode of one VDI: its record and this node's copy of its object map. Map entries are read on the I/O
 * path without locks (an atomic array), changed by the task that owns the object's turn in the
 * {@code KeyedSerializer}, and learned from the inode object when other gateways may have changed them
 * ({@link MapCoherence}).
 */
public final class Inode {
    private final VdiEntry record;
    private final AtomicIntegerArray dataVids;
    private volatile boolean deleted;
    private volatile boolean superseded;

    public Inode(VdiEntry record, int[] map) {
        if (map.length != InodeLayout.objectCount(record.size())) {
            throw new IllegalArgumentException("map of " + map.length + " entries for a VDI of "
                    + InodeLayout.objectCount(record.size()) + " objects");
        }
        this.record = record;
        this.dataVids = new AtomicIntegerArray(map);
    }

    /** A new inode whose objects are all unallocated. */
    public static Inode empty(VdiEntry record) {
        return new Inode(record, new int[InodeLayout.objectCount(record.size())]);
    }

    public VdiEntry record() {
        return record;
    }

    public int vid() {
        return record.vid();
    }

    public long size() {
        return record.size();
    }

    public int objectCount() {
        return dataVids.length();
    }

    /** The VDI owning data object {@code index}, 0 if it was never written. */
    public int dataVid(int index) {
        return dataVids.get(index);
    }

    void setDataVid(int index, int vid) {
        dataVids.set(index, vid);
    }

    /**
     * Takes a map entry read back from the inode object, where other gateways change it too. It replaces the entry
     * only if memory still holds {@code expected}, what it held when the read was sent, so a change this node made
     * meanwhile (and is persisting) is not undone by an older persisted value.
     */
    void learnDataVid(int index, int expected, int seen) {
        dataVids.compareAndSet(index, expected, seen);
    }

    public boolean deleted() {
        return deleted;
    }

    /**
     * Whether this inode is no longer its name's working VDI as this node loaded it: the VDI was snapshotted (it is
     * frozen now), rolled back or resized. Whoever serves the name (an NBD connection) looks the name up again.
     */
    public boolean superseded() {
        return superseded;
    }

    void markSuperseded() {
        superseded = true;
    }

    void markDeleted() {
        deleted = true;
    }

    /** A copy of the map, for encoding. */
    int[] mapSnapshot() {
        int[] m = new int[dataVids.length()];
        for (int i = 0; i < m.length; i++) {
            m[i] = dataVids.get(i);
        }
        return m;
    }
}
